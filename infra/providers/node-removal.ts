import * as pulumi from "@pulumi/pulumi";
import type { HostedNode } from "../remote/remove-nodes";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/node-removal-provider.ts", "nodeRemovalProvider");

export interface NodeRemovalArgs {
  owner: pulumi.Input<string>;
  /** HostedNodes' `departed`. */
  departed: pulumi.Input<Record<string, HostedNode>>;
  sshPrivateKeys: pulumi.Input<Record<string, string>>;
}

/** Removes nodes that left the topology, after the membership changes (see node-removal-provider.ts). */
export class NodeRemoval extends DynamicResource {
  constructor(name: string, args: NodeRemovalArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, sshPrivateKeys: pulumi.secret(args.sshPrivateKeys) },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["sshPrivateKeys"] }),
      "bcos",
      "NodeRemoval",
    );
  }
}

import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, providerStub } from "./delegating-provider";
import type { HostedNode } from "../remote/remove-nodes";
import type { PlacedNode } from "./hosted-nodes-provider";

const provider = providerStub("infra/providers/hosted-nodes-provider.ts", "hostedNodesProvider");

export interface HostedNodesArgs {
  install: pulumi.Input<boolean>;
  owner: pulumi.Input<string>;
  nodes: pulumi.Input<Record<string, pulumi.Input<PlacedNode>>>;
  moved: pulumi.Input<string[]>;
  sshPrivateKeys: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The nodes this stack keeps on hosts and where (see hosted-nodes-provider.ts): refuses a node
 * moving to another site, records the groups each node has been in for the rolling order, the
 * nodes that left the topology for NodeRemoval, and removes every node on `pulumi destroy`.
 */
export class HostedNodes extends DynamicResource {
  declare readonly install: pulumi.Output<boolean>;
  declare readonly owner: pulumi.Output<string>;
  /** Node → every group it has been declared in while installed. */
  declare readonly seen: pulumi.Output<Record<string, number[]>>;
  /** Nodes that left the topology while installed. */
  declare readonly departed: pulumi.Output<Record<string, HostedNode>>;
  declare readonly sshPrivateKeys: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: HostedNodesArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, sshPrivateKeys: pulumi.secret(args.sshPrivateKeys), seen: undefined, departed: undefined, dormant: undefined },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["sshPrivateKeys"] }),
      "bcos",
      "HostedNodes",
    );
  }
}

import * as pulumi from "@pulumi/pulumi";
import type { HostedNode } from "../remote/remove-nodes";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface NodeRemovalArgs {
  owner: pulumi.Input<string>;
  /** HostedNodes' `departed`. */
  departed: pulumi.Input<Record<string, HostedNode>>;
  sshPrivateKeys: pulumi.Input<Record<string, string>>;
}

/** Removes nodes that left the topology, after the membership changes (see node-removal-provider.ts). */
export class NodeRemoval extends dynamicResourceClass<NodeRemovalArgs>({
  type: "NodeRemoval",
  provider: ["infra/providers/node-removal-provider.ts", "nodeRemovalProvider"],
  secretArgs: ["sshPrivateKeys"],
  secretOutputs: ["sshPrivateKeys"],
}) {}

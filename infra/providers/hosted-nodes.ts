import * as pulumi from "@pulumi/pulumi";
import type { HostedNode } from "../remote/remove-nodes";
import { dynamicResourceClass } from "./dynamic-resource-class";
import type { PlacedNode } from "./hosted-nodes-provider";

export interface HostedNodesArgs {
  install: pulumi.Input<boolean>;
  owner: pulumi.Input<string>;
  nodes: pulumi.Input<Record<string, pulumi.Input<PlacedNode>>>;
  moved: pulumi.Input<string[]>;
  sshPrivateKeys: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface HostedNodesOutputs {
  install: boolean;
  owner: string;
  /** Node → every group it has been declared in while installed. */
  seen: Record<string, number[]>;
  /** Nodes that left the topology while installed. */
  departed: Record<string, HostedNode>;
  sshPrivateKeys: Record<string, string>;
}

/**
 * The nodes this stack keeps on hosts and where (see hosted-nodes-provider.ts): refuses a node
 * moving to another site, records the groups each node has been in for the rolling order, the
 * nodes that left the topology for NodeRemoval, and removes every node on `pulumi destroy`.
 */
export class HostedNodes extends dynamicResourceClass<HostedNodesArgs, HostedNodesOutputs>({
  type: "HostedNodes",
  provider: ["infra/providers/hosted-nodes-provider.ts", "hostedNodesProvider"],
  secretArgs: ["sshPrivateKeys"],
  computed: ["seen", "departed", "dormant"],
  secretOutputs: ["sshPrivateKeys"],
}) {}

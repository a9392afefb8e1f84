import * as pulumi from "@pulumi/pulumi";
import type { KnownNode } from "../topology/revoked-nodes";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface NodeRegistryArgs {
  /** Node name → node ID, for every node the topology declares now. */
  nodes: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface NodeRegistryOutputs {
  /** Every node ID ever declared, with its name, first seen first. */
  known: KnownNode[];
  /** Node IDs of nodes that left the topology. */
  revoked: string[];
  /** Those of `revoked` an earlier run had revoked already. */
  settled: string[];
}

/**
 * Every node ID the stack has had, and those no node declares now (see node-registry-provider.ts):
 * the IDs every remaining node's config.ini blacklists.
 */
export class NodeRegistry extends dynamicResourceClass<NodeRegistryArgs, NodeRegistryOutputs>({
  type: "NodeRegistry",
  provider: ["infra/providers/node-registry-provider.ts", "nodeRegistryProvider"],
  computed: ["known", "revoked", "settled"],
}) {}

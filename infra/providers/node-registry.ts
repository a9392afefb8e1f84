import * as pulumi from "@pulumi/pulumi";
import type { KnownNode } from "../topology/revoked-nodes";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/node-registry-provider.ts", "nodeRegistryProvider");

export interface NodeRegistryArgs {
  /** Node name → node ID, for every node the topology declares now. */
  nodes: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Every node ID the stack has had, and those no node declares now (see node-registry-provider.ts):
 * the IDs every remaining node's config.ini blacklists.
 */
export class NodeRegistry extends DynamicResource {
  /** Every node ID ever declared, with its name, first seen first. */
  declare readonly known: pulumi.Output<KnownNode[]>;
  /** Node IDs of nodes that left the topology. */
  declare readonly revoked: pulumi.Output<string[]>;
  /** Those of `revoked` an earlier run had revoked already. */
  declare readonly settled: pulumi.Output<string[]>;

  constructor(name: string, args: NodeRegistryArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, known: undefined, revoked: undefined, settled: undefined }, opts, "bcos", "NodeRegistry");
  }
}

/** Every node ID the stack has had: nodes that left keep valid certificates, so every config.ini refuses their IDs. */
import type * as pulumi from "@pulumi/pulumi";
import { NodeRegistry } from "../../infra/providers/node-registry";

export function createNodeRegistry(name: string, nodeIds: Record<string, pulumi.Input<string>>, parent: pulumi.Resource): NodeRegistry {
  return new NodeRegistry(`${name}-node-registry`, { nodes: nodeIds }, { parent });
}

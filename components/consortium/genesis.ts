/**
 * Each group's frozen genesis (a Group component per group), made from its sealers' node IDs;
 * a committee makes it from the IDs the agencies publish, a single stack from its own nodes.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Model } from "../../infra/topology/types";
import type { Adoption } from "../adoption";
import { Group } from "../group";

/** One Group per declared group, parented to the consortium. */
export function createGroups(
  model: Model,
  nodeIds: Record<string, pulumi.Input<string>>,
  adoption: Adoption | undefined,
  parent: pulumi.Resource,
): Record<number, Group> {
  return Object.fromEntries(
    model.groups.map((group) => [
      group.id,
      new Group(
        `group-${group.id}`,
        {
          groupId: group.id,
          params: group.genesis,
          sealerIds: group.sealers.map((n) => nodeIds[n]),
          timestamp: group.timestamp,
          version: model.chain.version,
          adoptGenesis: adoption?.groups[group.id],
        },
        { parent },
      ),
    ]),
  );
}

/** Group id → the exact text of its genesis file. */
export function frozenGenesis(model: Model, groups: Record<number, Group>): pulumi.Output<Record<number, string>> {
  return pulumi.output(Object.fromEntries(model.groups.map((g) => [g.id, groups[g.id].genesis])));
}

/** The stack outputs per node and per group (agencies: see packages.ts; certificates: certificate-summary.ts). */
import * as pulumi from "@pulumi/pulumi";
import type { Model } from "../../infra/topology/types";
import type { Group } from "../group";
import type { Node } from "../node";

export interface NodeSummary {
  id: string;
  agency: string;
  host: string;
  p2p: string;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
}

export interface GroupSummary {
  timestamp: number;
  sealers: string[];
  observers: string[];
  free: string[];
}

/** Per node of `nodes`: ID, agency, host and ports. */
export function nodeSummaries(model: Model, nodes: Record<string, Node>): pulumi.Output<Record<string, NodeSummary>> {
  return pulumi.output(
    Object.fromEntries(
      model.nodes
        .filter((n) => nodes[n.name])
        .map((n) => [
          n.name,
          {
            id: nodes[n.name].nodeId,
            agency: n.agency,
            host: n.host,
            p2p: nodes[n.name].p2pEndpoint,
            p2pPort: n.p2pPort,
            channelPort: n.channelPort,
            rpcPort: n.rpcPort,
          },
        ]),
    ),
  );
}

/** Per group: genesis timestamp and declared roles. */
export function groupSummaries(model: Model, groups: Record<number, Group>): pulumi.Output<Record<string, GroupSummary>> {
  return pulumi.output(
    Object.fromEntries(
      model.groups.map((g) => [String(g.id), { timestamp: groups[g.id].timestamp, sealers: g.sealers, observers: g.observers, free: g.free }]),
    ),
  );
}

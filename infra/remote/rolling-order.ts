/** The order in which a group's sealers are installed, so restarts never overlap within a group. */
import type { Model } from "../topology/types";

/**
 * For each node, the nodes whose install must have finished (healthy) before its own runs: in
 * every group, each sealer waits for the sealer declared before it. Sealers are taken in the
 * chain-wide node order, so a node that seals several groups gets no cycle.
 */
export function rollingPredecessors(model: Model): Map<string, string[]> {
  const position = new Map(model.nodes.map((n, i) => [n.name, i]));
  const predecessors = new Map<string, string[]>(model.nodes.map((n) => [n.name, []]));
  for (const group of model.groups) {
    const sealers = [...group.sealers].sort((a, b) => position.get(a)! - position.get(b)!);
    sealers.forEach((sealer, i) => {
      const before = sealers[i - 1];
      const list = predecessors.get(sealer)!;
      if (before !== undefined && !list.includes(before)) list.push(before);
    });
  }
  return predecessors;
}

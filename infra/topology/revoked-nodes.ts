/**
 * Nodes that left the chain are locked out: their node IDs go into every remaining node's
 * `[certificate_blacklist]`, since their certificates stay valid (FISCO 2.x has no CRL). Which
 * IDs those are comes from a record of every node ID the stack has had (NodeRegistry), kept
 * after a node's keys are gone from the topology. Pure: the record is a list that only grows.
 */
import type { Model } from "./types";

/** A node ID the stack has had, with the name it was declared under when first seen. */
export interface KnownNode {
  name: string;
  nodeId: string;
}

export interface NodeRecord {
  /** Every node ID ever declared, in the order first seen; each ID once. */
  known: KnownNode[];
  /** IDs of `known` no node declares now, in that order: the nodes locked out. */
  revoked: string[];
}

/**
 * The record after a run that declares `current` (node name → node ID). A node made free stays
 * declared, so it is not revoked; a node declared again with the same key is current again.
 */
export function recordNodes(known: readonly KnownNode[], current: Readonly<Record<string, string>>): NodeRecord {
  const ids = new Set(known.map((k) => k.nodeId));
  const next = [...known];
  for (const [name, nodeId] of Object.entries(current).sort(([a], [b]) => a.localeCompare(b))) {
    if (!ids.has(nodeId)) next.push({ name, nodeId });
    ids.add(nodeId);
  }
  const declared = new Set(Object.values(current));
  return { known: next, revoked: next.filter((k) => !declared.has(k.nodeId)).map((k) => k.nodeId) };
}

/**
 * The model whose config.ini files refuse `revoked` too: the topology's own
 * chain.certificateBlacklist first, then the revoked IDs it does not list.
 */
export function withRevokedNodes(model: Model, revoked: readonly string[]): Model {
  const manual = model.chain.certificateBlacklist ?? [];
  const added = revoked.map((id) => id.toLowerCase()).filter((id, i, all) => !manual.includes(id) && all.indexOf(id) === i);
  if (added.length === 0) return model;
  return { ...model, chain: { ...model.chain, certificateBlacklist: [...manual, ...added] } };
}

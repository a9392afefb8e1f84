/**
 * A group's genesis, frozen at first creation. FISCO builds block 0 from it once and keeps it
 * forever: a node whose genesis differs forks off silently. So the file is rendered once, stored in
 * state, and shipped verbatim to every member, including nodes that join years later. Membership
 * edits (sealers/observers/free) never touch it; they are applied on the running chain. Editing a
 * frozen parameter is refused with an explanation instead of being "applied". An adopted genesis
 * (from `bcos-pulumi import`) is frozen as the file the running group started from.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { renderGroupGenesis } from "../fisco/genesis";
import { parseGenesis } from "../fisco/parse";
import type { GenesisParams } from "../topology/types";

export interface GroupGenesisInputs {
  groupId: number;
  params: GenesisParams;
  /** Node IDs of the group's sealers when the resource is created: the initial sealer set. */
  sealerIds: string[];
  /** Pinned genesis timestamp (ms); absent: now, at creation. */
  timestamp?: number;
  /** The chain's supported_version. */
  version: string;
  /** An existing genesis file (verbatim) to freeze instead of rendering one. */
  adoptGenesis?: string;
}

export interface GroupGenesisOutputs {
  groupId: number;
  /** As frozen, with epochSealerNum resolved. */
  params: Required<GenesisParams>;
  /** The initial sealer set written into the genesis (later membership changes leave it). */
  sealerIds: string[];
  timestamp: number;
  version: string;
  /** The exact bytes of conf/group.N.genesis for every member. */
  genesis: string;
}

const PARAM_KEYS: readonly (keyof GenesisParams)[] = [
  "consensus",
  "maxTransNum",
  "gasLimit",
  "consensusTimeout",
  "epochSealerNum",
  "epochBlockNum",
  "enableFreeStorage",
];

/** Every attempted change of a frozen value, as one message per field. */
export function frozenChanges(olds: GroupGenesisOutputs, news: GroupGenesisInputs): string[] {
  // An absent epochSealerNum means "as frozen" (it defaults to the initial sealer count).
  const changes = PARAM_KEYS.filter((key) => news.params[key] !== undefined && olds.params[key] !== news.params[key]).map(
    (key) => `groups.${olds.groupId}.${key}: ${String(olds.params[key])} → ${String(news.params[key])}`,
  );
  if (news.timestamp !== undefined && news.timestamp !== olds.timestamp) {
    changes.push(`groups.${olds.groupId}.timestamp: ${olds.timestamp} → ${news.timestamp}`);
  }
  return changes;
}

export function frozenGenesisError(groupId: number, changes: string[]): Error {
  return new Error(
    `group ${groupId} already exists and its genesis is frozen; FISCO BCOS keeps block 0 forever and ` +
      `cannot change these values on a running group:\n  ${changes.join("\n  ")}\n` +
      `Fix: restore the old values in the topology (timestamp may be removed or set to the frozen one), ` +
      `or declare a new group with another id for the new parameters.`,
  );
}

/** The adopted file as frozen state: its own parameters, sealers and timestamp, its exact text. */
function adopt(inputs: GroupGenesisInputs, text: string) {
  const parsed = parseGenesis(text, `the adopted genesis of group ${inputs.groupId}`);
  if (parsed.groupId !== inputs.groupId) throw new Error(`the adopted genesis for group ${inputs.groupId} is group ${parsed.groupId}'s`);
  const { adoptGenesis: _text, ...rest } = inputs;
  const outs: GroupGenesisOutputs = {
    ...rest,
    params: { ...parsed.params, epochSealerNum: parsed.params.epochSealerNum ?? parsed.sealers.length } as Required<GroupGenesisOutputs["params"]>,
    sealerIds: parsed.sealers,
    timestamp: parsed.timestamp ?? Number.MAX_SAFE_INTEGER,
    genesis: text,
  };
  const changes = frozenChanges(outs, inputs);
  if (changes.length > 0) throw frozenGenesisError(inputs.groupId, changes);
  return { id: `group-${inputs.groupId}-${createHash("sha256").update(text).digest("hex").slice(0, 16)}`, outs };
}

export const groupGenesisProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: GroupGenesisOutputs, news: GroupGenesisInputs) {
    if (olds.groupId !== news.groupId) return { changes: true, replaces: ["groupId"], deleteBeforeReplace: true };
    const changes = frozenChanges(olds, news);
    if (changes.length > 0) throw frozenGenesisError(olds.groupId, changes);
    return { changes: false };
  },

  async create(inputs: GroupGenesisInputs) {
    if (inputs.adoptGenesis !== undefined) return adopt(inputs, inputs.adoptGenesis);
    const timestamp = inputs.timestamp ?? Date.now();
    const genesis = renderGroupGenesis({
      groupId: inputs.groupId,
      params: inputs.params,
      sealerIds: inputs.sealerIds,
      timestamp,
      version: inputs.version,
    });
    const params = { ...inputs.params, epochSealerNum: inputs.params.epochSealerNum ?? inputs.sealerIds.length };
    const outs: GroupGenesisOutputs = { ...inputs, params, timestamp, genesis };
    return { id: `group-${inputs.groupId}-${createHash("sha256").update(genesis).digest("hex").slice(0, 16)}`, outs };
  },

  /** Only the provider's code changed: the frozen genesis stays. */
  async update(_id: string, olds: GroupGenesisOutputs) {
    return { outs: olds };
  },
};

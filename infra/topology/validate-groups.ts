/** The `groups:` section: membership and the genesis parameters FISCO freezes into block 0. */
import { Checker, isGiven, itemPath, keyPath, YamlMap } from "./checker";
import { ConsensusType, GenesisParams, Group } from "./types";

const GROUP_KEYS = [
  "consensus",
  "sealers",
  "observers",
  "free",
  "timestamp",
  "maxTransNum",
  "gasLimit",
  "consensusTimeout",
  "epochSealerNum",
  "epochBlockNum",
  "enableFreeStorage",
];
const CONSENSUS_TYPES: readonly ConsensusType[] = ["pbft", "raft", "rpbft"];
const MEMBER_LISTS = ["sealers", "observers", "free"] as const;
/** FISCO skips a genesis whose group id is outside this range. */
const MAX_GROUP_ID = 32767;
/** Anything below is a timestamp in seconds (1e12 ms is September 2001). */
const MIN_MILLISECONDS = 1e12;

function readGroupId(c: Checker, key: string, path: string): number | undefined {
  const id = /^[1-9][0-9]{0,4}$/.test(key) ? Number(key) : undefined;
  if (id !== undefined && id <= MAX_GROUP_ID) return id;
  c.report(path, key, `group id must be a whole number from 1 to ${MAX_GROUP_ID}`, "use a key such as 1 or 2 (no sign, no leading zeros)");
  return undefined;
}

function readConsensus(c: Checker, value: unknown, path: string): ConsensusType {
  if (!isGiven(value)) return "pbft";
  const consensus = CONSENSUS_TYPES.find((t) => t === value);
  if (consensus === undefined) {
    c.report(path, value, `unknown consensus`, `write one of ${CONSENSUS_TYPES.join(", ")} (lower case)`);
    return "pbft";
  }
  return consensus;
}

function readTimestamp(c: Checker, value: unknown, path: string): number | undefined {
  const timestamp = c.integer(value, path, { min: 0, example: Date.UTC(2024, 0, 1) });
  if (timestamp !== undefined && timestamp < MIN_MILLISECONDS) {
    c.report(path, timestamp, "looks like seconds; the genesis timestamp is in milliseconds", `write ${timestamp * 1000}`);
    return undefined;
  }
  return timestamp;
}

/**
 * Checks members exist (unless `nodeNames` is unknown because the agencies section is unusable)
 * and appear once across sealers, observers and free; returns the lists.
 */
function readMembers(c: Checker, map: YamlMap, path: string, nodeNames: ReadonlySet<string> | undefined): Record<(typeof MEMBER_LISTS)[number], string[]> {
  const members = { sealers: [] as string[], observers: [] as string[], free: [] as string[] };
  const seenAt = new Map<string, string>();
  for (const list of MEMBER_LISTS) {
    const listPath = keyPath(path, list);
    const items = c.stringList(map[list], listPath, "node0") ?? [];
    items.forEach((name, i) => {
      if (name === undefined) return;
      const at = itemPath(listPath, i);
      members[list].push(name);
      if (nodeNames !== undefined && !nodeNames.has(name)) {
        c.report(at, name, `unknown node "${name}"`, `declare ${name} under agencies.<agency>.nodes or remove it from the list`);
      }
      const earlier = seenAt.get(name);
      if (earlier !== undefined) {
        c.report(at, name, `node "${name}" is already listed at ${earlier}`, "list each node once per group, in sealers, observers or free");
      } else {
        seenAt.set(name, at);
      }
    });
  }
  if (Array.isArray(map.sealers) && map.sealers.length === 0) {
    c.report(keyPath(path, "sealers"), map.sealers, "a group needs at least one sealer", "list the nodes that seal blocks, e.g. sealers: [node0]");
  }
  return members;
}

function readGenesis(c: Checker, map: YamlMap, path: string, sealerCount: number): GenesisParams {
  const at = (key: string) => keyPath(path, key);
  const consensus = readConsensus(c, map.consensus, at("consensus"));
  for (const key of ["epochSealerNum", "epochBlockNum"]) {
    if (isGiven(map[key]) && consensus !== "rpbft") {
      c.report(at(key), map[key], `only applies to rpbft consensus (this group uses ${consensus})`, `remove ${key} or set consensus: rpbft`);
    }
  }
  const epochSealerNum = c.integer(map.epochSealerNum, at("epochSealerNum"), { min: 1, example: Math.max(1, sealerCount) });
  if (epochSealerNum !== undefined && sealerCount > 0 && epochSealerNum > sealerCount) {
    c.report(at("epochSealerNum"), epochSealerNum, `is larger than the number of sealers (${sealerCount})`, `use at most ${sealerCount}, or list more sealers`);
  }
  return {
    consensus,
    maxTransNum: c.integer(map.maxTransNum, at("maxTransNum"), { min: 1, example: 1000 }) ?? 1000,
    gasLimit: c.integer(map.gasLimit, at("gasLimit"), { min: 0, example: 300000000 }) ?? 300000000,
    consensusTimeout: c.integer(map.consensusTimeout, at("consensusTimeout"), { min: 3, example: 3 }) ?? 3,
    epochSealerNum,
    epochBlockNum: c.integer(map.epochBlockNum, at("epochBlockNum"), { min: 2, example: 1000 }) ?? 1000,
    enableFreeStorage: c.boolean(map.enableFreeStorage, at("enableFreeStorage")) ?? false,
  };
}

/** Groups sorted by id. `nodeNames` is undefined when the agencies section is unusable. */
export function readGroups(c: Checker, value: unknown, nodeNames: ReadonlySet<string> | undefined): Group[] {
  const groups: Group[] = [];
  const map = c.map(value, "groups", "{ 1: { sealers: [node0] } }");
  if (map === undefined) return groups;
  if (nodeNames?.size === 0 && Object.keys(map).length > 0) {
    c.report("groups", map, "the chain has no nodes, so it cannot have groups", "declare nodes under agencies.<agency>.nodes, or remove groups");
  }
  for (const [key, spec] of Object.entries(map)) {
    const path = keyPath("groups", key);
    const id = readGroupId(c, key, path);
    const groupMap = c.settings(spec, path, "{ sealers: [node0] }");
    if (groupMap === undefined) continue;
    c.onlyKeys(groupMap, path, GROUP_KEYS);
    c.present(groupMap, "sealers", path, "add sealers: [<node>, …] (a group needs at least one sealer)");
    const members = readMembers(c, groupMap, path, nodeNames);
    const timestamp = readTimestamp(c, groupMap.timestamp, keyPath(path, "timestamp"));
    const genesis = readGenesis(c, groupMap, path, members.sealers.length);
    if (id === undefined) continue;
    const group: Group = { id, ...members, genesis };
    if (timestamp !== undefined) group.timestamp = timestamp;
    groups.push(group);
  }
  return groups.sort((a, b) => a.id - b.id);
}

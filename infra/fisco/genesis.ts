/**
 * The two per-group files: `group.N.genesis` (block 0, identical on every member) and
 * `group.N.ini` (local tuning, the same everywhere), plus the genesis mark that decides whether
 * two members' block 0 agree.
 */
import type { GenesisParams } from "../topology/types";
import { disabledEntry, entry, iniText, note, section } from "./ini-lines";
import { assertNodeId } from "./node-id";
import { versionAtLeast } from "./version";

export interface GroupGenesisInput {
  groupId: number;
  params: GenesisParams;
  /** Node IDs of the group's initial sealers, any order. */
  sealerIds: readonly string[];
  /** Genesis block timestamp, ms. */
  timestamp: number;
  /** The chain's supported_version; decides which fields enter the genesis mark. */
  version: string;
}

export interface GenesisMarkInput extends Omit<GroupGenesisInput, "timestamp"> {
  /** [state] type; we always write `storage`. */
  stateType?: string;
}

/** Bit 63 of the EVM flags: set when `[evm] enable_free_storage=true`. */
const FREE_STORAGE_FLAG = "9223372036854775808";

/**
 * Sealer IDs in the order they are written. Sorting as strings makes every member render the same
 * bytes whatever order it was given; nodes from 2.9.0 sort the list themselves anyway.
 */
function orderedSealers(ids: readonly string[]): string[] {
  ids.forEach((id, i) => assertNodeId(id, `sealer ${i}`));
  const sorted = [...ids].sort();
  const dup = sorted.find((id, i) => id === sorted[i - 1]);
  if (dup) throw new Error(`sealer ${dup} is listed twice`);
  return sorted;
}

export function renderGroupGenesis(input: GroupGenesisInput): string {
  const { groupId, params, timestamp } = input;
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error(`group ${groupId}: genesis timestamp must be a non-negative integer (ms), got ${timestamp}`);
  }
  return iniText([
    section("consensus"),
    note("pbft, raft or rpbft"),
    entry("consensus_type", params.consensus),
    note("transactions per block at most"),
    entry("max_trans_num", params.maxTransNum),
    note("seconds, 3 or more"),
    entry("consensus_timeout", params.consensusTimeout),
    note("read by rpbft only: sealers per epoch and epoch length in blocks"),
    entry("epoch_sealer_num", params.epochSealerNum ?? input.sealerIds.length),
    entry("epoch_block_num", params.epochBlockNum),
    note("initial sealers: node IDs, sorted"),
    ...orderedSealers(input.sealerIds).map((id, i) => entry(`node.${i}`, id)),
    section("state"),
    entry("type", "storage"),
    section("tx"),
    note("gas limit of one transaction"),
    entry("gas_limit", params.gasLimit),
    section("group"),
    entry("id", groupId),
    note("ms; the genesis block timestamp, so it must match on every member"),
    entry("timestamp", timestamp),
    section("evm"),
    entry("enable_free_storage", params.enableFreeStorage),
  ]);
}

/**
 * The string a node stores in block 0's extraData (reference §3.3). Two genesis files describe the
 * same block 0 when their marks and timestamps are equal. Below 2.9.0 the node keeps the file's
 * sealer order, so pass the IDs in file order for those versions.
 */
export function genesisMark(input: GenesisMarkInput): string {
  const { groupId, params, version } = input;
  if (!versionAtLeast(version, "2.0.0")) {
    throw new Error(`genesis marks of pre-release ${version} (storage type in the mark) are not supported`);
  }
  const ids = versionAtLeast(version, "2.9.0") ? [...input.sealerIds].sort() : [...input.sealerIds];
  const parts: (string | number)[] = [groupId, ids.map((id) => `${id},`).join(""), params.consensus];
  parts.push(input.stateType ?? "storage");
  if (versionAtLeast(version, "2.4.0")) parts.push(params.enableFreeStorage ? FREE_STORAGE_FLAG : "0");
  parts.push(params.maxTransNum, params.gasLimit);
  if (params.consensus === "rpbft") parts.push(params.epochSealerNum ?? input.sealerIds.length, params.epochBlockNum);
  if (versionAtLeast(version, "2.6.0")) parts.push(params.consensusTimeout);
  return parts.join("-");
}

/** `group.N.ini` with build_chain 2.11.1's values; it does not depend on the group or crypto mode. */
export function renderGroupIni(): string {
  return iniText([
    section("consensus"),
    note("hops a PBFT message is forwarded"),
    entry("ttl", 2),
    note("ms between blocks at least"),
    entry("min_block_generation_time", 500),
    entry("enable_dynamic_block_size", true),
    entry("enable_ttl_optimization", true),
    entry("enable_prepare_with_txsHash", true),
    note("tree broadcast and status percentages (rpbft)"),
    entry("broadcast_prepare_by_tree", true),
    entry("prepare_status_broadcast_percent", 33),
    entry("max_request_missedTxs_waitTime", 100),
    entry("max_request_prepare_waitTime", 100),
    "",
    section("storage"),
    note("rocksdb, mysql or scalable"),
    entry("type", "rocksdb"),
    entry("binary_log", false),
    entry("scroll_threshold_multiple", 2),
    entry("cached_storage", true),
    note("cache size, MB"),
    entry("max_capacity", 32),
    entry("max_forward_block", 10),
    entry("max_retry", 60),
    entry("topic", "DB"),
    note("used with type=mysql only"),
    entry("db_ip", "127.0.0.1"),
    entry("db_port", 3306),
    entry("db_username", ""),
    entry("db_passwd", ""),
    entry("db_name", ""),
    section("tx_pool"),
    entry("limit", 150000),
    note("MB"),
    entry("memory_limit", 512),
    entry("notify_worker_num", 2),
    note("seconds a pending transaction is kept"),
    entry("txs_expiration_time", 600),
    section("sync"),
    note("MB, 32 or more"),
    entry("max_block_sync_memory_size", 512),
    entry("idle_wait_ms", 200),
    entry("sync_block_by_tree", true),
    entry("send_txs_by_tree", true),
    note("ms, 1000 to 3000"),
    entry("gossip_interval_ms", 1000),
    entry("gossip_peers_number", 3),
    entry("txs_max_gossip_peers_num", 5),
    section("flow_control"),
    disabledEntry("limit_req", 1000),
    disabledEntry("outgoing_bandwidth_limit", 2),
    "",
    section("sdk_allowlist"),
    note("SDK public keys (128 hex) allowed on this group; none listed: every SDK"),
    disabledEntry("public_key.0", ""),
  ]);
}

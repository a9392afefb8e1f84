/**
 * The system contracts membership changes go through, with 2.x's rules and return codes
 * (reference rpc §6–§7): ConsensusPrecompiled at 0x1003, and enough of ChainGovernance (0x1008)
 * and PermissionPrecompiled (0x1005) to put a committee in place and see it. Results are what a
 * receipt carries: status and ABI-encoded output.
 */
import { decodeArguments, encodeArguments, functionSelector, splitCallData, type AbiType } from "../../../infra/rpc/abi";
import { toHex } from "../../../infra/rpc/hash";
import { versionAtLeast } from "../../../infra/fisco/version";

export const CONSENSUS_ADDRESS = "0x0000000000000000000000000000000000001003";
export const PERMISSION_ADDRESS = "0x0000000000000000000000000000000000001005";
export const GOVERNANCE_ADDRESS = "0x0000000000000000000000000000000000001008";

export const CODE_PERMISSION_DENIED = -50000;
export const CODE_INVALID_NODE_ID = -51100;
export const CODE_LAST_SEALER = -51101;
/** ChainGovernance refuses non-members once a committee exists. */
export const CODE_COMMITTEE_PERMISSION = -52000;

export interface ConsensusRow {
  nodeId: string;
  type: "sealer" | "observer";
  /** The block that made the row; it counts from that block on. */
  enableNum: number;
}

export interface ChainState {
  /** `_sys_consensus_` rows in table order. */
  consensus: ConsensusRow[];
  /** Committee member addresses; while empty, anyone may change membership. */
  committee: { address: string; enableNum: number }[];
}

export interface ExecutionContext {
  smCrypto: boolean;
  supportedVersion: string;
  /** Number of the block the transaction is in (or would be in, for `call`). */
  blockNumber: number;
  sender: string;
}

export interface ExecutionResult {
  /** Receipt status: 0x0 None, 0x15 PrecompiledError. */
  status: "0x0" | "0x15";
  output: string;
}

const int256 = (value: number): ExecutionResult => ({ status: "0x0", output: toHex(encodeArguments(["int256"], [BigInt(value)])) });
const text = (value: string): ExecutionResult => ({ status: "0x0", output: toHex(encodeArguments(["string"], [value])) });

type Handler = (state: ChainState, ctx: ExecutionContext, args: Buffer) => ExecutionResult;
interface Method {
  signature: string;
  types: AbiType[];
  run: (state: ChainState, ctx: ExecutionContext, values: string[]) => ExecutionResult;
}

function isLastSealer(state: ChainState, nodeId: string): boolean {
  const sealers = state.consensus.filter((r) => r.type === "sealer");
  return sealers.length === 1 && sealers[0].nodeId === nodeId;
}

/** The node ID argument after the contract's own normalisation, or undefined when invalid. */
function nodeIdArgument(value: string, ctx: ExecutionContext): string | undefined {
  const id = value.toLowerCase();
  if (id.length !== 128) return undefined;
  if (versionAtLeast(ctx.supportedVersion, "2.10.0") && !/^[0-9a-f]{128}$/.test(id)) return undefined;
  return id;
}

const mayWriteConsensus = (state: ChainState, ctx: ExecutionContext) => state.committee.length === 0 || state.committee.some((m) => m.address === ctx.sender);

/** Insert-or-update a row, as the table does for addSealer/addObserver. */
function setRole(type: ConsensusRow["type"]) {
  return (state: ChainState, ctx: ExecutionContext, [value]: string[]): ExecutionResult => {
    const id = nodeIdArgument(value, ctx);
    if (!id) return int256(CODE_INVALID_NODE_ID);
    if (type === "observer" && isLastSealer(state, id)) return int256(CODE_LAST_SEALER);
    if (!mayWriteConsensus(state, ctx)) return int256(CODE_PERMISSION_DENIED);
    const row = state.consensus.find((r) => r.nodeId === id);
    if (row) Object.assign(row, { type, enableNum: ctx.blockNumber });
    else state.consensus.push({ nodeId: id, type, enableNum: ctx.blockNumber });
    return int256(1);
  };
}

function removeNode(state: ChainState, ctx: ExecutionContext, [value]: string[]): ExecutionResult {
  const id = nodeIdArgument(value, ctx);
  if (!id) return int256(CODE_INVALID_NODE_ID);
  if (isLastSealer(state, id)) return int256(CODE_LAST_SEALER);
  if (!mayWriteConsensus(state, ctx)) return int256(CODE_PERMISSION_DENIED);
  const before = state.consensus.length;
  state.consensus = state.consensus.filter((r) => r.nodeId !== id);
  return int256(before - state.consensus.length);
}

/** Simplified governance: the first grant needs no vote; later grants come from members only. */
function grantCommitteeMember(state: ChainState, ctx: ExecutionContext, [address]: string[]): ExecutionResult {
  if (state.committee.length > 0 && !state.committee.some((m) => m.address === ctx.sender)) return int256(CODE_COMMITTEE_PERMISSION);
  if (!state.committee.some((m) => m.address === address)) state.committee.push({ address, enableNum: ctx.blockNumber });
  return int256(1);
}

const CONTRACTS: Record<string, Method[]> = {
  [CONSENSUS_ADDRESS]: [
    { signature: "addSealer(string)", types: ["string"], run: setRole("sealer") },
    { signature: "addObserver(string)", types: ["string"], run: setRole("observer") },
    { signature: "remove(string)", types: ["string"], run: removeNode },
  ],
  [GOVERNANCE_ADDRESS]: [
    { signature: "grantCommitteeMember(address)", types: ["address"], run: grantCommitteeMember },
    {
      signature: "listCommitteeMembers()",
      types: [],
      run: (state) => text(JSON.stringify(state.committee.map((m) => ({ address: m.address, enable_num: String(m.enableNum) })))),
    },
  ],
  [PERMISSION_ADDRESS]: [
    {
      signature: "queryByName(string)",
      types: ["string"],
      // A committee is written as the authorised writers of these system tables.
      run: (state, _ctx, [table]) =>
        text(
          JSON.stringify(
            ["_sys_consensus_", "_sys_config_", "_sys_table_access_"].includes(table)
              ? state.committee.map((m) => ({ table_name: table, address: m.address, enable_num: String(m.enableNum) }))
              : [],
          ),
        ),
    },
  ],
};

function handlerFor(to: string, selector: string, smCrypto: boolean): Handler | undefined {
  const method = CONTRACTS[to]?.find((m) => "0x" + functionSelector(m.signature, smCrypto).toString("hex") === selector);
  if (!method) return undefined;
  return (state, ctx, args) => {
    let values: string[];
    try {
      values = decodeArguments(method.types, args).map(String);
    } catch {
      return { status: "0x15", output: "0x" };
    }
    return method.run(state, ctx, values);
  };
}

/**
 * Runs a transaction or call against `state`, changing it. Calls to other addresses or unknown
 * functions succeed with empty output, as calling an account without code does.
 */
export function execute(state: ChainState, ctx: ExecutionContext, to: string, data: Uint8Array): ExecutionResult {
  const call = splitCallData(data);
  const handler = call && handlerFor(to.toLowerCase(), call.selector, ctx.smCrypto);
  return handler ? handler(state, ctx, call.args) : { status: "0x0", output: "0x" };
}

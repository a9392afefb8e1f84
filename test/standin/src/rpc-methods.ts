/**
 * The JSON-RPC methods, with their declared parameter types (checked before a method runs, as
 * libjson-rpc-cpp does) and the group-member guard of reference rpc §1.3.
 */
import { versionAtLeast } from "../../../infra/fisco/version";
import { hexBytes } from "../../../infra/rpc/hash";
import { versionText, type BuildInfo } from "./build-info";
import { commonName } from "./cert-chain";
import type { GroupManager, LifecycleResult } from "./group-manager";
import type { P2pNetwork } from "./p2p";
import { groupNotExist, notGroupMember, RpcError } from "./rpc-error";
import type { NodeSetup } from "./startup";

export type ParamType = "int" | "string" | "object";

export interface RpcContext {
  setup: NodeSetup;
  build: BuildInfo;
  p2p: P2pNetwork;
  groups: GroupManager;
}

export interface RpcMethod {
  params: ParamType[];
  run: (ctx: RpcContext, params: unknown[]) => unknown;
}

const hex = (n: number) => "0x" + n.toString(16);
const noPrefix = (h: string) => h.replace(/^0x/, "");

/** The running group behind a guarded method: -40001 when it does not run here, -40009 when this node is not a member. */
function memberGroup(ctx: RpcContext, groupId: number) {
  const group = ctx.groups.group(groupId);
  if (!group) throw groupNotExist();
  if (!ctx.groups.isMember(groupId)) throw notGroupMember();
  return group;
}

const guarded = (run: (ctx: RpcContext, group: ReturnType<typeof memberGroup>, params: unknown[]) => unknown, extra: ParamType[] = []): RpcMethod => ({
  params: ["int", ...extra],
  run: (ctx, params) => run(ctx, memberGroup(ctx, params[0] as number), params),
});

function selfInfo(ctx: RpcContext) {
  const { nodeId, leaf } = ctx.setup.identity;
  const { p2p } = ctx.setup.config;
  return {
    NodeID: nodeId,
    IPAndPort: `${p2p.listenIp}:${p2p.listenPort}`,
    Agency: commonName(leaf, "issuer"),
    Node: commonName(leaf, "subject"),
    Topic: [],
  };
}

function syncStatus(ctx: RpcContext, group: ReturnType<typeof memberGroup>, groupId: number) {
  const { ledger, pool } = group;
  const live = ctx.groups.syncStatuses(groupId);
  const highest = live.reduce((best, [, s]) => (s.number > best.number ? s : best), { number: ledger.number, hash: ledger.head.hash });
  return {
    isSyncing: highest.number > ledger.number,
    protocolId: groupId * 256 + 2,
    genesisHash: noPrefix(ledger.genesisHash),
    nodeId: ctx.setup.identity.nodeId,
    blockNumber: ledger.number,
    latestHash: noPrefix(ledger.head.hash),
    knownHighestNumber: highest.number,
    knownLatestHash: noPrefix(highest.hash),
    txPoolSize: String(pool.size),
    peers: live.map(([nodeId, s]) => ({ nodeId, genesisHash: noPrefix(s.genesisHash), blockNumber: s.number, latestHash: noPrefix(s.hash) })),
  };
}

function call(group: ReturnType<typeof memberGroup>, request: Record<string, unknown>) {
  if (typeof request.from !== "string") throw new RpcError(-40006, "Call needs a 'from' field");
  if (request.value !== undefined && typeof request.value !== "string") throw new RpcError(-32602, "INVALID_PARAMS: value must be a string");
  let data: Buffer;
  try {
    data = hexBytes(String(request.data ?? "0x"), "data");
  } catch (e) {
    throw new RpcError(-32603, `Internal error: ${(e as Error).message}`);
  }
  const result = group.ledger.call(request.from, String(request.to ?? ""), data);
  return { currentBlockNumber: hex(group.ledger.number), status: result.status, output: result.output };
}

// ---------------------------------------------------------------------------------------------
// Dynamic groups

const GROUP_RANGE: LifecycleResult = { code: "0x7", message: "GroupID should be between 1 and 32767" };
const invalid = (message: string): LifecycleResult => ({ code: "0x7", message });

/** Version and switch checks shared by the lifecycle methods (queryGroupStatus skips the switch). */
function lifecycle(run: (ctx: RpcContext, groupId: number, params: unknown[]) => LifecycleResult, switchable = true, extra: ParamType[] = []): RpcMethod {
  return {
    params: ["int", ...extra],
    run: (ctx, params) => {
      const { config } = ctx.setup;
      // The upstream message names stopGroup whatever was called.
      if (!versionAtLeast(config.supportedVersion, "2.2.0")) throw new RpcError(-40009, "method stopGroup not support this version");
      if (switchable && config.rpc.disableDynamicGroup) throw new RpcError(-100001, "Dynamic group related interfaces are forbidden to access");
      const groupId = params[0] as number;
      if (groupId < 1 || groupId > 32767) return switchable ? GROUP_RANGE : { ...GROUP_RANGE, status: "" };
      return run(ctx, groupId, params);
    },
  };
}

function generateGroup(ctx: RpcContext, groupId: number, params: unknown[]): LifecycleResult {
  const p = params[1] as Record<string, unknown>;
  if (typeof p.timestamp !== "string") return invalid("invalid `timestamp` field");
  if (!/^(0|[1-9]\d*)$/.test(p.timestamp) || BigInt(p.timestamp) >= 1n << 63n) return invalid(`invalid timestamp: ${p.timestamp}`);
  if (!Array.isArray(p.sealers)) return invalid("invalid `sealers` field");
  if (p.sealers.length === 0) return invalid("GenerateGroup failed for empty sealer list, expect at least one sealer");
  const bad = p.sealers.findIndex((s) => typeof s !== "string" || !/^[0-9a-fA-F]{128}$/.test(s));
  if (bad >= 0) return invalid(`invalid sealer ID at position ${bad + 1}`);
  if (p.enable_free_storage !== undefined && typeof p.enable_free_storage !== "boolean") return invalid("invalid `enable_free_storage` field");
  const sealers = (p.sealers as string[]).map((s) => s.toLowerCase());
  return ctx.groups.generateGroup(groupId, sealers, p.timestamp, p.enable_free_storage === true);
}

export const METHODS: Record<string, RpcMethod> = {
  getClientVersion: {
    params: [],
    run: ({ build, setup }) => ({
      "Build Time": build.buildTime,
      "Build Type": build.buildType,
      "Chain Id": String(setup.config.chain.id),
      "FISCO-BCOS Version": versionText(build, build.gm && setup.config.chain.smCrypto),
      "Git Branch": build.gitBranch,
      "Git Commit Hash": build.gitCommit,
      "Supported Version": setup.config.supportedVersion,
    }),
  },
  getNodeInfo: { params: [], run: selfInfo },
  getGroupList: { params: [], run: ({ groups }) => groups.memberGroups() },
  getNodeIDList: { params: ["int"], run: ({ setup, p2p }) => [setup.identity.nodeId, ...p2p.peers().map((p) => p.nodeId)] },
  getPeers: {
    params: ["int"],
    run: ({ p2p }) => p2p.peers().map((p) => ({ NodeID: p.nodeId, IPAndPort: p.ipAndPort, Agency: p.agency, Node: p.node, Topic: [] })),
  },
  getBlockNumber: guarded((_ctx, group) => hex(group.ledger.number)),
  getSealerList: guarded((_ctx, group) => group.ledger.sealers()),
  getObserverList: guarded((_ctx, group) => group.ledger.observers()),
  getGroupPeers: guarded((_ctx, group) => group.ledger.groupPeers()),
  getSyncStatus: guarded((ctx, group, params) => syncStatus(ctx, group, params[0] as number)),
  getPbftView: guarded((_ctx, group) => {
    const { view } = group.engine;
    if (view === undefined) throw new RpcError(-40007, "Only pbft consensus supports the view property");
    return hex(view);
  }),
  getTransactionReceipt: guarded((_ctx, group, params) => group.ledger.receipt(String(params[1])) ?? null, ["string"]),
  call: guarded((_ctx, group, params) => call(group, params[1] as Record<string, unknown>), ["object"]),
  sendRawTransaction: guarded((ctx, _group, params) => ctx.groups.importTransaction(params[0] as number, params[1] as string), ["string"]),
  generateGroup: lifecycle(generateGroup, true, ["object"]),
  startGroup: lifecycle((ctx, g) => ctx.groups.startGroup(g)),
  stopGroup: lifecycle((ctx, g) => ctx.groups.stopGroup(g)),
  removeGroup: lifecycle((ctx, g) => ctx.groups.removeGroup(g)),
  recoverGroup: lifecycle((ctx, g) => ctx.groups.recoverGroup(g)),
  queryGroupStatus: lifecycle((ctx, g) => ctx.groups.queryGroupStatus(g), false),
};

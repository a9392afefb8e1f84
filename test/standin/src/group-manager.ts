/**
 * The groups of one node: the lifecycle state machine of the dynamic group RPCs (reference rpc
 * §3), the transaction pool, consensus (pbft.ts, raft.ts) and block sync. Block sync follows
 * 2.11's SyncMaster: a node's sync peers are the connected members of the group in its own ledger,
 * plus outsiders that announced a higher block; an outsider at or below our height is dropped
 * (maintainPeersConnection), and statuses, blocks and transactions go to and come from sync peers
 * only (checkGroupPacket). So a node removed from a group does not get the block that removed it
 * unless it took part in agreeing on it (a pbft sealer): an observer stays at the block before.
 */
import { existsSync } from "node:fs";
import { hexBytes } from "../../../infra/rpc/hash";
import { decodeTransaction, TransactionError, type DecodedTransaction } from "../../../infra/rpc/transaction";
import { CONSENSUS_TICK_MS, type ConsensusEngine, type ConsensusHost } from "./consensus";
import { GroupFiles, type GroupStatus } from "./group-files";
import { Ledger, NONCE_WINDOW, type Block, type BlockTx, type ChainParams } from "./ledger";
import type { NodeLog } from "./log";
import type { Message, P2pNetwork } from "./p2p";
import { PbftEngine } from "./pbft";
import { RaftEngine } from "./raft";
import { txRejected } from "./rpc-error";
import { loadGroupDefinition, type GroupDefinition } from "./startup";

export interface LifecycleResult {
  code: string;
  message: string;
  status?: string;
}

interface PooledTx {
  raw: string;
  tx: DecodedTransaction;
}

export interface PeerSyncStatus {
  genesisHash: string;
  number: number;
  hash: string;
  /** ms timestamp of the last status received. */
  at: number;
}

interface RunningGroup {
  ledger: Ledger;
  definition: GroupDefinition;
  engine: ConsensusEngine;
  pool: Map<string, PooledTx>;
  /** Sync statuses received, by node ID. */
  peers: Map<string, PeerSyncStatus>;
}

export interface GroupManagerOptions {
  nodeId: string;
  chainId: number;
  chain: ChainParams;
  files: GroupFiles;
  p2p: P2pNetwork;
  log: NodeLog;
}

/**
 * Sync statuses go out after every new block and otherwise every 5 s, as 2.11's SyncMaster does
 * (maintainBlocks: m_newBlocks or c_maintainBlocksTimeout = 5000 ms), and to a new link at once.
 */
const STATUS_INTERVAL_MS = 5000;
const SYNC_BATCH = 50;

const ok = (message: string): LifecycleResult => ({ code: "0x0", message });
const fail = (code: number, message: string): LifecycleResult => ({ code: "0x" + code.toString(16), message });

export class GroupManager {
  private readonly running = new Map<number, RunningGroup>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Groups with a new block (or just started) whose status has not gone out yet; sent once per batch. */
  private readonly newBlocks = new Set<number>();

  constructor(private readonly options: GroupManagerOptions) {
    options.p2p.on("message", (from: string, message: Message) => this.onMessage(from, message));
    options.p2p.on("peer", (nodeId: string) => this.onPeer(nodeId));
  }

  /** Starts the groups of conf/ whose status allows it (reference artifacts §7.2). */
  startConfigured(definitions: Map<number, GroupDefinition>): void {
    for (const [groupId, definition] of definitions) {
      if (this.running.has(groupId)) continue;
      const status = this.options.files.readStatus(groupId);
      if (status === "STOPPING") this.options.files.writeStatus(groupId, "STOPPED");
      if (status === "STOPPING" || status === "STOPPED" || status === "DELETED") continue;
      this.run(groupId, definition);
    }
  }

  startTimers(): void {
    this.timers.push(setInterval(() => this.tickEngines(), CONSENSUS_TICK_MS));
    this.timers.push(setInterval(() => this.broadcastStatuses(), STATUS_INTERVAL_MS));
  }

  close(): void {
    this.timers.forEach(clearInterval);
  }

  group(groupId: number): RunningGroup | undefined {
    return this.running.get(groupId);
  }

  /** Sealer or observer in this node's own ledger. */
  isMember(groupId: number): boolean {
    return !!this.running.get(groupId)?.ledger.isMember(this.options.nodeId);
  }

  /** Running groups this node belongs to, ascending. */
  memberGroups(): number[] {
    return [...this.running.keys()].filter((g) => this.isMember(g)).sort((a, b) => a - b);
  }

  status(groupId: number): GroupStatus {
    return this.running.has(groupId) ? "RUNNING" : this.options.files.readStatus(groupId);
  }

  // -------------------------------------------------------------------------------------------
  // Transactions

  /** What sendRawTransaction does before answering: the pool's checks, then gossip to members. */
  importTransaction(groupId: number, rawHex: string): string {
    const group = this.running.get(groupId)!;
    let tx: DecodedTransaction;
    try {
      tx = decodeTransaction(hexBytes(rawHex, "transaction"), this.options.chain.smCrypto);
    } catch (e) {
      if (e instanceof TransactionError && e.kind === "signature") throw txRejected(`InvalidSignature: ${e.message}`);
      throw txRejected(`invalid rc2 transaction format: ${(e as Error).message}`);
    }
    const { ledger, pool } = group;
    const { fields } = tx;
    if (pool.has(tx.hash)) throw txRejected("TransactionAlreadyKown");
    if (ledger.receipt(tx.hash)) throw txRejected("TransactionAlreadyInChain");
    if (ledger.nonceUsedAt(fields.randomId) !== undefined) throw txRejected("TransactionNonceCheckFail");
    const current = BigInt(ledger.number);
    if (fields.blockLimit <= current || fields.blockLimit > current + BigInt(NONCE_WINDOW)) {
      throw txRejected(`BlockLimitCheckFailed, txBlockLimit=${fields.blockLimit}, blockNumber=${current}, maxBlockLimit=${NONCE_WINDOW}`);
    }
    if ([...pool.values()].some((p) => p.tx.fields.randomId === fields.randomId)) throw txRejected("TxPoolNonceCheckFail");
    if (fields.chainId !== BigInt(this.options.chainId)) throw txRejected(`InvalidChainId, txChainId=${fields.chainId}`);
    if (fields.groupId !== BigInt(groupId)) throw txRejected(`InvalidGroupId, txGroupId=${fields.groupId}`);
    pool.set(tx.hash, { raw: rawHex.startsWith("0x") ? rawHex : "0x" + rawHex, tx });
    this.sendTo(this.syncPeers(group), { type: "tx", group: groupId, raw: rawHex });
    return tx.hash;
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle (every method acts on this node only, like the real one)

  generateGroup(groupId: number, sealers: string[], timestamp: string, enableFreeStorage: boolean): LifecycleResult {
    const missing = sealers.filter((id) => id !== this.options.nodeId && !this.options.p2p.isConnected(id));
    if (missing.length > 0) return fail(8, `Peer(s) not connected: ${missing.join(", ")}`);
    if (this.status(groupId) !== "INEXISTENT") return fail(2, `Group ${groupId} already exists`);
    const { files } = this.options;
    if (existsSync(files.genesisPath(groupId))) return fail(9, `Genesis config file for group ${groupId} already exists`);
    if (existsSync(files.iniPath(groupId))) return fail(0xa, `Group config file for group ${groupId} already exists`);
    files.writeGenerated(groupId, timestamp, [...new Set(sealers)].sort(), enableFreeStorage);
    files.writeStatus(groupId, "STOPPED");
    return ok(`Group ${groupId} generated successfully`);
  }

  startGroup(groupId: number): LifecycleResult {
    const refusal = this.refuseUnless(groupId, "STOPPED", { RUNNING: [3, "already running"] });
    if (refusal) return refusal;
    const { files } = this.options;
    if (!existsSync(files.genesisPath(groupId))) return fail(0xb, `Genesis config file for group ${groupId} not found`);
    if (!existsSync(files.iniPath(groupId))) return fail(0xc, `Group config file for group ${groupId} not found`);
    try {
      this.run(groupId, loadGroupDefinition(files.genesisPath(groupId)));
    } catch (e) {
      return fail(1, (e as Error).message);
    }
    return ok(`Group ${groupId} started successfully`);
  }

  stopGroup(groupId: number): LifecycleResult {
    const refusal = this.refuseUnless(groupId, "RUNNING", { STOPPED: [4, "already stopped"] });
    if (refusal) return refusal;
    this.running.delete(groupId);
    this.options.files.writeStatus(groupId, "STOPPED");
    this.options.log.info("LEDGER", `group ${groupId} stopped`);
    return ok(`Group ${groupId} stopped successfully`);
  }

  removeGroup(groupId: number): LifecycleResult {
    const refusal = this.refuseUnless(groupId, "STOPPED", { RUNNING: [3, "is running"] });
    if (refusal) return refusal;
    this.options.files.writeStatus(groupId, "DELETED");
    return ok(`Group ${groupId} deleted successfully`);
  }

  recoverGroup(groupId: number): LifecycleResult {
    const status = this.status(groupId);
    if (status === "INEXISTENT") return fail(6, `Group ${groupId} not found`);
    if (status !== "DELETED") return fail(0xe, `Group ${groupId} has not been deleted`);
    this.options.files.writeStatus(groupId, "STOPPED");
    return ok(`Group ${groupId} recovered successfully`);
  }

  queryGroupStatus(groupId: number): LifecycleResult {
    const status = this.status(groupId);
    if (status === "UNKNOWN") return { ...fail(1, "Please check `.group_status` file of the group"), status };
    return { code: "0x0", message: "", status };
  }

  /** The common refusals: only `wanted` proceeds; `special` words the refusal for one other status. */
  private refuseUnless(groupId: number, wanted: GroupStatus, special: Partial<Record<GroupStatus, [number, string]>>): LifecycleResult | undefined {
    const status = this.status(groupId);
    if (status === wanted) return undefined;
    const own = special[status];
    if (own) return fail(own[0], `Group ${groupId} ${own[1]}`);
    switch (status) {
      case "INEXISTENT":
        return fail(6, `Group ${groupId} not found`);
      case "STOPPING":
        return fail(0xd, `Group ${groupId} is stopping`);
      case "DELETED":
        return fail(5, `Group ${groupId} has been deleted`);
      default:
        return fail(1, `Group ${groupId} is ${status}; check its .group_status file`);
    }
  }

  private run(groupId: number, definition: GroupDefinition): void {
    const { files, chain, nodeId, p2p, log } = this.options;
    const ledger = new Ledger(groupId, definition, chain, `${files.groupDir(groupId)}/standin-blocks.jsonl`);
    const host: ConsensusHost = {
      nodeId,
      groupId,
      ledger,
      consensusTimeoutMs: definition.genesis.params.consensusTimeout * 1000,
      log,
      send: (to, message) => p2p.send(to, { ...message, group: groupId }),
      isConnected: (id) => p2p.isConnected(id),
      pending: () => this.pending(group),
      commit: (block) => this.commitAgreed(group, block),
    };
    const engine = definition.genesis.params.consensus === "raft" ? new RaftEngine(host) : new PbftEngine(host);
    const group: RunningGroup = { ledger, definition, engine, pool: new Map(), peers: new Map() };
    this.running.set(groupId, group);
    this.statusSoon(groupId); // a group that starts announces itself at once (SyncMaster's first maintainBlocks)
    files.writeStatus(groupId, "RUNNING");
    log.info("LEDGER", `group ${groupId} running at block ${ledger.number}, genesis ${ledger.genesisHash}`);
  }

  // -------------------------------------------------------------------------------------------
  // Consensus and block sync

  /** Sync peers with a status, for getSyncStatus. */
  syncStatuses(groupId: number): [string, PeerSyncStatus][] {
    const group = this.running.get(groupId)!;
    const peers = new Set(this.syncPeers(group));
    return [...group.peers].filter(([id]) => peers.has(id));
  }

  /** Connected members of our ledger and outsiders ahead of us; outsiders no longer ahead are dropped. */
  private syncPeers(group: RunningGroup): string[] {
    const { ledger, peers } = group;
    for (const [id, status] of peers) if (!ledger.isMember(id) && status.number <= ledger.number) peers.delete(id);
    const ids = new Set([...ledger.groupPeers(), ...peers.keys()]);
    ids.delete(this.options.nodeId);
    return [...ids].filter((id) => this.options.p2p.isConnected(id));
  }

  private sendTo(nodeIds: Iterable<string>, message: Message): void {
    for (const nodeId of nodeIds) this.options.p2p.send(nodeId, message);
  }

  private broadcastStatuses(groupIds: Iterable<number> = this.running.keys()): void {
    for (const groupId of groupIds) {
      const group = this.running.get(groupId);
      if (!group) continue;
      const { ledger } = group;
      const { head } = ledger;
      this.sendTo(this.syncPeers(group), { type: "status", group: groupId, genesisHash: ledger.genesisHash, number: head.number, hash: head.hash });
    }
  }

  /** A new link: statuses to everyone, and our pooled transactions to the newcomer (maintainTransactions). */
  private onPeer(nodeId: string): void {
    this.broadcastStatuses();
    for (const [groupId, group] of this.running) {
      if (!group.ledger.isMember(this.options.nodeId) || !this.syncPeers(group).includes(nodeId)) continue;
      for (const { raw } of group.pool.values()) this.options.p2p.send(nodeId, { type: "tx", group: groupId, raw });
    }
  }

  private tickEngines(): void {
    const now = Date.now();
    for (const group of this.running.values()) group.engine.tick(now);
  }

  /** Pooled transactions for the next block, oldest first; expired or replayed ones leave the pool. */
  private pending(group: RunningGroup): BlockTx[] {
    const { ledger, pool } = group;
    const next = BigInt(ledger.number + 1);
    const chosen: BlockTx[] = [];
    const nonces = new Set<bigint>();
    for (const [hash, pooled] of pool) {
      const { blockLimit, randomId } = pooled.tx.fields;
      if (blockLimit < next || ledger.nonceUsedAt(randomId) !== undefined || nonces.has(randomId)) {
        pool.delete(hash);
        continue;
      }
      nonces.add(randomId);
      chosen.push({ raw: pooled.raw, hash });
      if (chosen.length >= group.definition.genesis.params.maxTransNum) break;
    }
    return chosen;
  }

  /** Commits a block consensus agreed on, then hands it to the sync peers (SyncMaster broadcasts after a commit). */
  private commitAgreed(group: RunningGroup, block: Block): string | undefined {
    const refusal = group.ledger.accept(block);
    if (refusal) return refusal;
    this.afterBlock(group, block);
    this.options.log.info("CONSENSUS", `group ${group.ledger.groupId}: committed block ${block.number} with ${block.txs.length} transaction(s)`);
    this.sendTo(this.syncPeers(group), { type: "block", group: group.ledger.groupId, block });
    return undefined;
  }

  private afterBlock(group: RunningGroup, block: Block): void {
    for (const tx of block.txs) group.pool.delete(tx.hash);
    group.engine.onNewBlock();
    this.statusSoon(group.ledger.groupId);
  }

  /** The group's status to its sync peers once the current batch of work is done. */
  private statusSoon(groupId: number): void {
    if (this.newBlocks.size === 0) {
      setImmediate(() => {
        const groupIds = [...this.newBlocks];
        this.newBlocks.clear();
        this.broadcastStatuses(groupIds);
      });
    }
    this.newBlocks.add(groupId);
  }

  private onMessage(from: string, message: Message): void {
    const groupId = Number(message.group);
    const group = this.running.get(groupId);
    if (!group) return;
    const { ledger } = group;
    if (message.type.startsWith("pbft-") || message.type.startsWith("raft-")) return group.engine.onMessage(from, message);
    switch (message.type) {
      case "status": {
        if (message.genesisHash !== ledger.genesisHash) return; // another chain's group: ignored, as the node does
        const status = { genesisHash: String(message.genesisHash), number: Number(message.number), hash: String(message.hash), at: Date.now() };
        // An unknown outsider counts only while it is ahead of us (SyncMsgEngine::onPeerStatus).
        if (!ledger.isMember(from) && !group.peers.has(from) && status.number <= ledger.number) return;
        group.peers.set(from, status);
        if (status.number > ledger.number) this.options.p2p.send(from, { type: "getBlocks", group: groupId, from: ledger.number + 1 });
        return;
      }
      case "getBlocks":
        if (this.syncPeers(group).includes(from)) {
          this.options.p2p.send(from, { type: "blocks", group: groupId, blocks: ledger.blocksFrom(Number(message.from), SYNC_BATCH) });
        }
        return;
      case "block":
      case "blocks": {
        const blocks = message.type === "block" ? [message.block as Block] : (message.blocks as Block[]);
        for (const block of blocks) {
          if (block.number <= ledger.number) continue;
          if (block.number > ledger.number + 1) {
            this.options.p2p.send(from, { type: "getBlocks", group: groupId, from: ledger.number + 1 });
            return;
          }
          const refusal = ledger.accept(block);
          if (refusal) {
            this.options.log.warn("SYNC", `group ${groupId}: ignoring a block from ${from.slice(0, 16)}…: ${refusal}`);
            return;
          }
          this.afterBlock(group, block);
        }
        return;
      }
      case "tx":
        try {
          if (ledger.isMember(this.options.nodeId) && this.syncPeers(group).includes(from)) this.importTransaction(groupId, String(message.raw));
        } catch {
          // already known or no longer valid here: nothing to do
        }
        return;
    }
  }
}

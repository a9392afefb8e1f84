/**
 * The groups of one node: the lifecycle state machine of the dynamic group RPCs (reference rpc
 * §3), the transaction pool, and replication. Replication is deliberately simple: the sealer with
 * the smallest node ID among those alive seals every block and the other members follow it over
 * P2P. Nodes only send statuses, blocks and transactions to peers that are members of the group
 * in their own ledger, so a node that is neither sealer nor observer stops following the group.
 */
import { existsSync } from "node:fs";
import { hexBytes } from "../../../infra/rpc/hash";
import { decodeTransaction, TransactionError, type DecodedTransaction } from "../../../infra/rpc/transaction";
import { GroupFiles, type GroupStatus } from "./group-files";
import { Ledger, NONCE_WINDOW, type Block, type ChainParams } from "./ledger";
import type { NodeLog } from "./log";
import type { Message, P2pNetwork } from "./p2p";
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

interface PeerSyncStatus {
  genesisHash: string;
  number: number;
  hash: string;
  /** ms timestamp of the last status received. */
  at: number;
}

interface RunningGroup {
  ledger: Ledger;
  definition: GroupDefinition;
  /** ms timestamp the group started, the origin of its PBFT view count. */
  startedAt: number;
  pool: Map<string, PooledTx>;
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

const SEAL_INTERVAL_MS = 200;
const STATUS_INTERVAL_MS = 1000;
/** A sealer that sent no status for this long is skipped when choosing who seals. */
const ALIVE_MS = 3000;
const SYNC_BATCH = 50;

const ok = (message: string): LifecycleResult => ({ code: "0x0", message });
const fail = (code: number, message: string): LifecycleResult => ({ code: "0x" + code.toString(16), message });

export class GroupManager {
  private readonly running = new Map<number, RunningGroup>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: GroupManagerOptions) {
    options.p2p.on("message", (from: string, message: Message) => this.onMessage(from, message));
    options.p2p.on("peer", () => this.broadcastStatuses());
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
    this.timers.push(setInterval(() => this.sealReady(), SEAL_INTERVAL_MS));
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
    this.sendToMembers(group.ledger.groupPeers(), { type: "tx", group: groupId, raw: rawHex });
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
    const { files, chain } = this.options;
    const ledger = new Ledger(groupId, definition, chain, `${files.groupDir(groupId)}/standin-blocks.jsonl`);
    this.running.set(groupId, { ledger, definition, startedAt: Date.now(), pool: new Map(), peers: new Map() });
    files.writeStatus(groupId, "RUNNING");
    this.options.log.info("LEDGER", `group ${groupId} running at block ${ledger.number}, genesis ${ledger.genesisHash}`);
  }

  // -------------------------------------------------------------------------------------------
  // Replication

  private sendToMembers(members: Iterable<string>, message: Message): void {
    for (const nodeId of members) if (nodeId !== this.options.nodeId) this.options.p2p.send(nodeId, message);
  }

  private broadcastStatuses(): void {
    for (const [groupId, { ledger }] of this.running) {
      const { head } = ledger;
      const message = { type: "status", group: groupId, genesisHash: ledger.genesisHash, number: head.number, hash: head.hash };
      this.sendToMembers(ledger.groupPeers(), message);
    }
  }

  /** The sealer that makes the next block: the smallest alive sealer ID. */
  private leader(group: RunningGroup): string | undefined {
    const now = Date.now();
    const alive = (id: string) => {
      if (id === this.options.nodeId) return true;
      const peer = group.peers.get(id);
      return !!peer && now - peer.at < ALIVE_MS && this.options.p2p.isConnected(id);
    };
    return [...group.ledger.sealers()].sort().find(alive);
  }

  private sealReady(): void {
    for (const [groupId, group] of this.running) {
      if (group.pool.size === 0 || this.leader(group) !== this.options.nodeId) continue;
      const { ledger } = group;
      const next = BigInt(ledger.number + 1);
      const chosen: PooledTx[] = [];
      const nonces = new Set<bigint>();
      for (const [hash, pooled] of group.pool) {
        const { blockLimit, randomId } = pooled.tx.fields;
        if (blockLimit < next || ledger.nonceUsedAt(randomId) !== undefined || nonces.has(randomId)) {
          group.pool.delete(hash); // expired or replayed while waiting
          continue;
        }
        nonces.add(randomId);
        chosen.push(pooled);
        if (chosen.length >= group.definition.genesis.params.maxTransNum) break;
      }
      if (chosen.length === 0) continue;
      const before = ledger.groupPeers();
      const block = ledger.seal(chosen.map((p) => ({ raw: p.raw, hash: p.tx.hash })), this.options.nodeId);
      this.afterBlock(group, block);
      this.options.log.info("CONSENSUS", `group ${groupId}: sealed block ${block.number} with ${block.txs.length} transaction(s)`);
      // Members before and after, so a node removed by this block still learns of it.
      this.sendToMembers(new Set([...before, ...ledger.groupPeers()]), { type: "block", group: groupId, block });
    }
  }

  private afterBlock(group: RunningGroup, block: Block): void {
    for (const tx of block.txs) group.pool.delete(tx.hash);
  }

  private onMessage(from: string, message: Message): void {
    const groupId = Number(message.group);
    const group = this.running.get(groupId);
    if (!group) return;
    const { ledger } = group;
    switch (message.type) {
      case "status": {
        if (message.genesisHash !== ledger.genesisHash) return; // another chain's group: ignored, as the node does
        const status = { genesisHash: String(message.genesisHash), number: Number(message.number), hash: String(message.hash), at: Date.now() };
        group.peers.set(from, status);
        if (status.number > ledger.number) this.options.p2p.send(from, { type: "getBlocks", group: groupId, from: ledger.number + 1 });
        return;
      }
      case "getBlocks":
        if (ledger.isMember(from)) {
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
          if (ledger.isMember(this.options.nodeId)) this.importTransaction(groupId, String(message.raw));
        } catch {
          // already known or no longer valid here: nothing to do
        }
        return;
    }
  }
}


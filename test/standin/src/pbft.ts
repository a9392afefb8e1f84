/**
 * PBFT as FISCO BCOS 2.11's PBFTEngine runs it, reduced to what decides whether a group makes
 * blocks (facts from PBFTEngine, ConsensusEngineBase and TimeManager):
 * - n is every sealer in the list, online or not; f = (n-1)/3; each step needs n-f (minValidNodes);
 * - the leader of a round is sealers[(view + height) % n] of the sorted list (getLeader);
 * - prepare (leader) → sign (every sealer) → commit (every sealer): a sealer commits on n-f
 *   commits, each sent after n-f signs, so a block needs n-f sealers that run the group, are
 *   connected to each other and vote; messages go to sealers only (broadcastMsg);
 * - no block within consensus_timeout: toView+1 and a view change request to every sealer; the
 *   view changes on n-f requests (checkTimeout, checkAndChangeView); more than f requests for
 *   higher views pull a node up to them (fast view change);
 * - an idle leader seals an empty block after 1 s (emptyBlockGenTime), which is not committed but
 *   makes every sealer change view, so an idle group's view grows and a halted group's does not;
 * - every new block, from consensus or sync, resets view and toView to 0 (reportBlock).
 * Left out: signatures, the 1.5^n growth of the timeout, the prepare backup, rpbft's epochs.
 */
import { broadcast, consensusSealers, pbftQuorum, type ConsensusEngine, type ConsensusHost } from "./consensus";
import type { Block } from "./ledger";
import type { Message } from "./p2p";

const EMPTY_BLOCK_MS = 1000;
/** A pending view change request is sent again this often, for links that came up since. */
const REQUEST_RESEND_MS = 500;

export class PbftEngine implements ConsensusEngine {
  view = 0;
  private toView = 0;
  private sealers: string[] = [];
  /** Last block or view change; the consensus timeout and the empty block count from here. */
  private lastConsensus = 0;
  private lastRequest = 0;
  /** `view:height` of this node's last proposal, so a leader proposes once per round. */
  private proposed?: string;
  /** The view in which this node signed a proposal at the current height. */
  private signedView = -1;
  private readonly prepared = new Map<string, Block>();
  private readonly signs = new Map<string, Set<string>>();
  private readonly commits = new Map<string, Set<string>>();
  private readonly committing = new Set<string>();
  /** Sealer → the view it asks for at our height. */
  private readonly requests = new Map<string, number>();

  constructor(private readonly host: ConsensusHost) {
    this.onNewBlock();
  }

  private get ledger() {
    return this.host.ledger;
  }

  private get quorum(): number {
    return pbftQuorum(this.sealers.length);
  }

  private leader(view: number): string {
    return this.sealers[(view + this.ledger.number) % this.sealers.length];
  }

  onNewBlock(): void {
    this.sealers = consensusSealers(this.ledger);
    this.view = this.toView = 0;
    this.lastConsensus = Date.now();
    this.proposed = undefined;
    this.signedView = -1;
    for (const cache of [this.prepared, this.signs, this.commits, this.requests]) cache.clear();
    this.committing.clear();
  }

  tick(now: number): void {
    if (!this.sealers.includes(this.host.nodeId)) return;
    if (now - this.lastConsensus >= this.host.consensusTimeoutMs) {
      this.lastConsensus = now;
      this.requestView(this.toView + 1, now);
      return;
    }
    if (this.toView > this.view) {
      if (now - this.lastRequest >= REQUEST_RESEND_MS) this.sendRequest(now);
      return;
    }
    const round = `${this.view}:${this.ledger.number}`;
    if (this.leader(this.view) !== this.host.nodeId || this.proposed === round) return;
    const txs = this.host.pending();
    if (txs.length === 0 && now - this.lastConsensus < EMPTY_BLOCK_MS) return;
    this.proposed = round;
    const block = this.ledger.propose(txs, this.host.nodeId);
    broadcast(this.host, this.sealers, { type: "pbft-prepare", view: this.view, block });
    this.onPrepare(this.host.nodeId, this.view, block);
  }

  onMessage(from: string, message: Message): void {
    if (!this.sealers.includes(from) || !this.sealers.includes(this.host.nodeId)) return;
    const view = Number(message.view);
    switch (message.type) {
      case "pbft-prepare":
        return this.onPrepare(from, view, message.block as Block);
      case "pbft-sign":
      case "pbft-commit":
        if (Number(message.number) !== this.ledger.number + 1) return;
        this.vote(message.type === "pbft-sign" ? this.signs : this.commits, String(message.hash), from);
        return this.evaluate(String(message.hash));
      case "pbft-viewchange":
        if (Number(message.number) !== this.ledger.number) return;
        this.requests.set(from, Number(message.toView));
        return this.onRequests(Date.now());
    }
  }

  private onPrepare(from: string, view: number, block: Block): void {
    if (view !== this.view || this.toView !== this.view || from !== this.leader(view) || block.sealer !== from) return;
    if (block.number !== this.ledger.number + 1 || block.parentHash !== this.ledger.head.hash) return;
    if (block.txs.length === 0) {
      this.lastConsensus = 0; // empty block: change view at the next tick (changeViewForEmptyBlock)
      return;
    }
    if (this.signedView === view) return;
    this.signedView = view;
    this.prepared.set(block.hash, block);
    this.vote(this.signs, block.hash, this.host.nodeId);
    broadcast(this.host, this.sealers, { type: "pbft-sign", view, number: block.number, hash: block.hash });
    this.evaluate(block.hash);
  }

  private vote(votes: Map<string, Set<string>>, hash: string, from: string): void {
    if (!votes.has(hash)) votes.set(hash, new Set());
    votes.get(hash)!.add(from);
  }

  private evaluate(hash: string): void {
    const block = this.prepared.get(hash);
    if (!block) return;
    if (!this.committing.has(hash) && (this.signs.get(hash)?.size ?? 0) >= this.quorum) {
      this.committing.add(hash);
      this.vote(this.commits, hash, this.host.nodeId);
      broadcast(this.host, this.sealers, { type: "pbft-commit", view: this.view, number: block.number, hash });
    }
    if ((this.commits.get(hash)?.size ?? 0) < this.quorum) return;
    const refusal = this.host.commit(block); // success resets this engine through onNewBlock
    if (refusal) this.host.log.warn("CONSENSUS", `pbft group ${this.host.groupId}: agreed block ${block.number} not committed: ${refusal}`);
  }

  private requestView(toView: number, now: number): void {
    this.toView = toView;
    this.sendRequest(now);
    this.onRequests(now);
  }

  private sendRequest(now: number): void {
    this.lastRequest = now;
    broadcast(this.host, this.sealers, { type: "pbft-viewchange", toView: this.toView, number: this.ledger.number, hash: this.ledger.head.hash });
  }

  /** Fast view change, then the view change itself once n-f connected sealers ask for toView or more. */
  private onRequests(now: number): void {
    const asked = [...this.requests].filter(([id]) => this.host.isConnected(id)).map(([, v]) => v);
    const f = this.sealers.length - this.quorum;
    const higher = asked.filter((v) => v > this.toView).sort((a, b) => b - a);
    if (higher.length > f) {
      this.lastConsensus = now;
      this.requestView(higher[f], now);
      return;
    }
    if (this.toView <= this.view || 1 + asked.filter((v) => v >= this.toView).length < this.quorum) return;
    this.view = this.toView;
    this.lastConsensus = now;
    this.host.log.info(
      "CONSENSUS",
      `pbft group ${this.host.groupId}: view ${this.view} at block ${this.ledger.number}, leader ${this.leader(this.view).slice(0, 16)}…`,
    );
  }
}

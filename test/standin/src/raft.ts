/**
 * Raft as FISCO BCOS 2.11's RaftEngine runs it, reduced to what decides whether a group makes
 * blocks (facts from RaftEngine.cpp):
 * - n is every sealer in the list; f = (n-1)/2; votes, heartbeat answers and block acks need n-f;
 * - a follower that hears no leader within its election timeout (random in [min, max]) stands
 *   for the next term; a vote goes to a candidate whose chain is not shorter than the voter's,
 *   once per term;
 * - the leader sends heartbeats to the sealers; without answers from n-f-1 of them within the
 *   heartbeat timeout (the minimum election time) it stands for election again;
 * - the leader seals only when n-f sealers (itself included) are at its height and hash, sends
 *   the block in its heartbeat and commits it on n-f acks; followers take committed blocks from
 *   block sync, never from consensus;
 * - when the number of sealers or this node's index in the sorted list changes, the node goes back
 *   to follower without a leader and waits out a fresh election timeout (resetConfig).
 * Left out: the "first vote" refusal, term recovery after a failed campaign, growing timeouts.
 */
import { randomInt } from "node:crypto";
import { broadcast, consensusSealers, raftQuorum, type ConsensusEngine, type ConsensusHost } from "./consensus";
import type { Block } from "./ledger";
import type { Message } from "./p2p";

/** build_chain's group.N.ini defaults: [consensus] min_elect_time=1000, max_elect_time=2000. */
const MIN_ELECT_MS = 1000;
const MAX_ELECT_MS = 2000;
/** The engine's heartbeat interval is the heartbeat timeout (the minimum election time) / 4. */
const HEARTBEAT_MS = MIN_ELECT_MS / 4;

type Role = "follower" | "candidate" | "leader";

interface MemberState {
  number: number;
  hash: string;
  at: number;
}

export class RaftEngine implements ConsensusEngine {
  readonly view = undefined;
  private role: Role = "follower";
  private term = 0;
  /** The highest term this node voted in (for itself or another). */
  private votedTerm = 0;
  private sealers: string[] = [];
  /** Sealer count and own index the role was set for; a change forces an election. */
  private config = "";
  private lastHeard = Date.now();
  private electTimeout = randomInt(MIN_ELECT_MS, MAX_ELECT_MS + 1);
  private votes = new Set<string>();
  private lastHeartbeat = 0;
  private lastQuorum = 0;
  private readonly members = new Map<string, MemberState>();
  private uncommitted?: Block;
  private acks = new Set<string>();

  constructor(private readonly host: ConsensusHost) {
    this.onNewBlock();
  }

  private get ledger() {
    return this.host.ledger;
  }

  private get quorum(): number {
    return raftQuorum(this.sealers.length);
  }

  private get isSealer(): boolean {
    return this.sealers.includes(this.host.nodeId);
  }

  private log(message: string): void {
    this.host.log.info("CONSENSUS", `raft group ${this.host.groupId}: ${message}`);
  }

  onNewBlock(): void {
    if (this.uncommitted && this.uncommitted.number <= this.ledger.number) this.uncommitted = undefined;
    this.sealers = consensusSealers(this.ledger);
    const config = `${this.sealers.length}:${this.sealers.indexOf(this.host.nodeId)}`;
    if (config === this.config) return;
    const first = this.config === "";
    this.config = config;
    if (!this.isSealer) return;
    if (!first) this.log(`sealer list changed at block ${this.ledger.number} (${this.sealers.length} sealers): back to follower`);
    this.toFollower(Date.now());
  }

  tick(now: number): void {
    if (!this.isSealer) return;
    if (this.role !== "leader") {
      if (now - this.lastHeard >= this.electTimeout) this.campaign(now);
      return;
    }
    const others = this.sealers.length - 1;
    if (others > 0 && now - this.lastQuorum >= MIN_ELECT_MS) {
      this.log(`leader in term ${this.term} lost its majority`);
      this.campaign(now);
      return;
    }
    if (!this.uncommitted && this.mayPropose(now)) {
      const txs = this.host.pending();
      if (txs.length > 0) {
        this.uncommitted = this.ledger.propose(txs, this.host.nodeId);
        this.acks = new Set([this.host.nodeId]);
        this.lastHeartbeat = 0;
      }
    }
    if (this.uncommitted && this.acks.size >= this.quorum) return this.commitUncommitted();
    if (now - this.lastHeartbeat >= HEARTBEAT_MS) {
      this.lastHeartbeat = now;
      broadcast(this.host, this.sealers, {
        type: "raft-heartbeat",
        term: this.term,
        number: this.ledger.number,
        hash: this.ledger.head.hash,
        block: this.uncommitted,
      });
    }
  }

  onMessage(from: string, message: Message): void {
    if (!this.isSealer || !this.sealers.includes(from)) return;
    const now = Date.now();
    const term = Number(message.term);
    switch (message.type) {
      case "raft-vote": {
        const granted = term > this.term && term > this.votedTerm && Number(message.number) >= this.ledger.number;
        if (granted) {
          this.term = this.votedTerm = term;
          this.toFollower(now);
        }
        this.host.send(from, { type: "raft-voted", term: this.term, granted });
        return;
      }
      case "raft-voted":
        if (term > this.term) {
          this.term = term;
          this.toFollower(now);
          return;
        }
        if (this.role !== "candidate" || term !== this.term || message.granted !== true) return;
        this.votes.add(from);
        if (this.votes.size >= this.quorum) this.toLeader(now);
        return;
      case "raft-heartbeat": {
        if (term < this.term) return;
        if (term > this.term || this.role !== "follower") {
          this.term = term;
          this.toFollower(now);
        }
        this.lastHeard = now;
        const block = message.block as Block | undefined;
        const ack = block && block.number === this.ledger.number + 1 && block.parentHash === this.ledger.head.hash ? block.hash : undefined;
        this.host.send(from, { type: "raft-heard", term: this.term, number: this.ledger.number, hash: this.ledger.head.hash, ack });
        return;
      }
      case "raft-heard":
        if (this.role !== "leader" || term !== this.term) return;
        this.members.set(from, { number: Number(message.number), hash: String(message.hash), at: now });
        if (1 + [...this.members.values()].filter((m) => now - m.at < MIN_ELECT_MS).length >= this.quorum) this.lastQuorum = now;
        if (this.uncommitted && message.ack === this.uncommitted.hash) this.acks.add(from);
        return;
    }
  }

  /** shouldSeal: n-f sealers (this one included) at our height and hash, none ahead. */
  private mayPropose(now: number): boolean {
    const recent = [...this.members.values()].filter((m) => now - m.at < MIN_ELECT_MS);
    if (recent.some((m) => m.number > this.ledger.number)) return false;
    return 1 + recent.filter((m) => m.number === this.ledger.number && m.hash === this.ledger.head.hash).length >= this.quorum;
  }

  private commitUncommitted(): void {
    const block = this.uncommitted!;
    this.uncommitted = undefined;
    const refusal = this.host.commit(block);
    if (refusal) this.log(`agreed block ${block.number} not committed: ${refusal}`);
  }

  private campaign(now: number): void {
    this.term += 1;
    this.votedTerm = this.term;
    this.role = "candidate";
    this.votes = new Set([this.host.nodeId]);
    this.resetElection(now);
    broadcast(this.host, this.sealers, { type: "raft-vote", term: this.term, number: this.ledger.number });
    if (this.votes.size >= this.quorum) this.toLeader(now);
  }

  private toLeader(now: number): void {
    this.role = "leader";
    this.members.clear();
    this.lastQuorum = now;
    this.lastHeartbeat = 0;
    this.log(`leader in term ${this.term} at block ${this.ledger.number}`);
  }

  private toFollower(now: number): void {
    this.role = "follower";
    this.uncommitted = undefined;
    this.resetElection(now);
  }

  private resetElection(now: number): void {
    this.lastHeard = now;
    this.electTimeout = randomInt(MIN_ELECT_MS, MAX_ELECT_MS + 1);
  }
}

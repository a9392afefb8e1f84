/**
 * What a group's consensus engine needs from the node, what it offers back, and the quorum
 * arithmetic of FISCO BCOS 2.11 (ConsensusEngineBase, PBFTEngine::resetConfig, RaftEngine).
 * rpbft runs as pbft: the same quorum over the whole sealer list, without epochs.
 */
import type { Block, BlockTx, Ledger } from "./ledger";
import type { NodeLog } from "./log";
import type { Message } from "./p2p";

export interface ConsensusHost {
  nodeId: string;
  groupId: number;
  ledger: Ledger;
  /** [consensus] consensus_timeout of the genesis, in ms. */
  consensusTimeoutMs: number;
  log: NodeLog;
  /** Sends a message of this group to one peer; dropped when the peer is not connected. */
  send(to: string, message: Message): void;
  isConnected(nodeId: string): boolean;
  /** Pooled transactions for the next block (at most max_trans_num); empty when there is nothing to seal. */
  pending(): BlockTx[];
  /** Commits an agreed block; returns why not, if it could not. */
  commit(block: Block): string | undefined;
}

export interface ConsensusEngine {
  /** Timers: called every CONSENSUS_TICK_MS. */
  tick(now: number): void;
  /** A message whose type starts with the engine's prefix, from a connected peer. */
  onMessage(from: string, message: Message): void;
  /** After every new block, from consensus or sync: the node re-reads its sealer list (resetConfig). */
  onNewBlock(): void;
  /** PBFT view (getPbftView); undefined for raft. */
  readonly view: number | undefined;
}

export const CONSENSUS_TICK_MS = 100;

/** The sealer list as the engines index it: sorted, as ConsensusEngineBase sorts m_sealerList. */
export const consensusSealers = (ledger: Ledger): string[] => [...ledger.sealers()].sort();

/** PBFT: f = (n-1)/3 of every listed sealer, online or not; a step needs minValidNodes = n - f. */
export const pbftQuorum = (n: number): number => n - Math.floor((n - 1) / 3);

/** Raft: f = (n-1)/2; votes, heartbeats and block acks need n - f, a majority. */
export const raftQuorum = (n: number): number => n - Math.floor((n - 1) / 2);

/** Sends `message` to every sealer in `sealers` but this node (only connected ones receive it). */
export function broadcast(host: ConsensusHost, sealers: string[], message: Message): void {
  for (const id of sealers) if (id !== host.nodeId) host.send(id, message);
}

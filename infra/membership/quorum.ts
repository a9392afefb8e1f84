/**
 * How many sealers a group needs to commit a block. PBFT and rPBFT tolerate f = floor((n-1)/3)
 * faulty sealers of n and need n - f votes; raft needs a majority.
 */
import type { ConsensusType } from "../topology/types";

export interface Quorum {
  consensus: ConsensusType;
  /** Sealers. */
  n: number;
  /** Sealers that may be down while blocks still commit. */
  f: number;
  /** Sealers that must be up. */
  quorum: number;
}

export function quorumOf(consensus: ConsensusType, n: number): Quorum {
  if (consensus === "raft") {
    const quorum = Math.floor(n / 2) + 1;
    return { consensus, n, f: Math.max(0, n - quorum), quorum };
  }
  const f = Math.max(0, Math.floor((n - 1) / 3));
  return { consensus, n, f, quorum: n - f };
}

/** The arithmetic, for messages: "n = 4, f = floor((4 - 1) / 3) = 1, quorum n - f = 3". */
export function explainQuorum(q: Quorum): string {
  if (q.consensus === "raft") return `n = ${q.n}, raft majority floor(${q.n} / 2) + 1 = ${q.quorum}`;
  return `n = ${q.n}, f = floor((${q.n} - 1) / 3) = ${q.f}, quorum n - f = ${q.quorum}`;
}

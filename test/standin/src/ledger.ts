/**
 * One group's chain on one node: block 0 from the genesis file, then blocks of transactions that
 * run against the system contracts. Blocks are appended to data/groupN/standin-blocks.jsonl and
 * replayed at startup, so membership survives a restart as it does on a real node.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { genesisMark } from "../../../infra/fisco/genesis";
import { chainHash, hexBytes, toHex } from "../../../infra/rpc/hash";
import { decodeTransaction, type DecodedTransaction } from "../../../infra/rpc/transaction";
import { execute, type ChainState, type ExecutionResult } from "./precompiled";
import type { GroupDefinition } from "./startup";

export interface BlockTx {
  raw: string;
  hash: string;
}

export interface Block {
  number: number;
  hash: string;
  parentHash: string;
  timestamp: number;
  /** Node ID of the sealer that made it. */
  sealer: string;
  txs: BlockTx[];
}

export interface Receipt {
  root: string;
  gasUsed: string;
  remainGas: string;
  contractAddress: string;
  logsBloom: string;
  status: string;
  statusMsg: string;
  output: string;
  logs: never[];
  transactionHash: string;
  transactionIndex: string;
  blockNumber: string;
  blockHash: string;
  from: string;
  to: string;
  input: string;
}

export interface ChainParams {
  smCrypto: boolean;
  supportedVersion: string;
}

/** Transactions are replay-protected by randomid for this many blocks. */
export const NONCE_WINDOW = 1000;
const TX_GAS_LIMIT = 300000000n;
const GAS_USED = 25000n;
const hexNumber = (n: number | bigint) => "0x" + n.toString(16);

export class Ledger {
  readonly genesisHash: string;
  private readonly blocks: Block[] = [];
  readonly state: ChainState;
  private readonly receipts = new Map<string, Receipt>();
  /** randomid (decimal) → number of the block that used it. */
  private readonly nonces = new Map<string, number>();

  constructor(
    readonly groupId: number,
    definition: GroupDefinition,
    private readonly chain: ChainParams,
    private readonly file: string,
  ) {
    const { genesis } = definition;
    const mark = genesisMark({
      groupId,
      params: genesis.params,
      sealerIds: genesis.sealers,
      version: chain.supportedVersion,
      stateType: genesis.stateType,
    });
    // The node sorts sealers from 2.9.0 on; the table then lists them in that order.
    const sealers = [...new Set(genesis.sealers)].sort();
    this.genesisHash = toHex(chainHash(Buffer.from(`${mark}|${genesis.timestamp ?? "max"}`), chain.smCrypto));
    this.state = { consensus: sealers.map((nodeId) => ({ nodeId, type: "sealer", enableNum: 0 })), committee: [] };
    this.blocks.push({ number: 0, hash: this.genesisHash, parentHash: "0x" + "0".repeat(64), timestamp: genesis.timestamp ?? 0, sealer: "", txs: [] });
    this.replay();
  }

  get number(): number {
    return this.blocks.length - 1;
  }

  get head(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  /** Sealers in table order, counting from their enable block. */
  sealers(): string[] {
    return this.state.consensus.filter((r) => r.type === "sealer" && r.enableNum <= this.number).map((r) => r.nodeId);
  }

  observers(): string[] {
    return this.state.consensus.filter((r) => r.type === "observer" && r.enableNum <= this.number).map((r) => r.nodeId);
  }

  /** Sorted sealers and observers from the table, whatever their enable block. */
  groupPeers(): string[] {
    return this.state.consensus.map((r) => r.nodeId).sort();
  }

  isMember(nodeId: string): boolean {
    return this.state.consensus.some((r) => r.nodeId === nodeId);
  }

  receipt(hash: string): Receipt | undefined {
    return this.receipts.get(hash.toLowerCase());
  }

  /** Number of the block that used this randomid within the replay window, if any. */
  nonceUsedAt(randomId: bigint): number | undefined {
    const at = this.nonces.get(randomId.toString());
    return at !== undefined && at > this.number - NONCE_WINDOW ? at : undefined;
  }

  blocksFrom(first: number, max: number): Block[] {
    return this.blocks.slice(first, first + max);
  }

  /** A dry run against a copy of the state, as the `call` RPC does. */
  call(from: string, to: string, data: Uint8Array): ExecutionResult {
    const scratch = structuredClone(this.state);
    return execute(scratch, { ...this.chain, blockNumber: this.number + 1, sender: from.toLowerCase() }, to, data);
  }

  /** The next block from already-verified transactions, for consensus to agree on; nothing is committed. */
  propose(txs: BlockTx[], sealer: string): Block {
    const header = { number: this.number + 1, parentHash: this.head.hash, timestamp: Date.now(), sealer, txs };
    return { ...header, hash: this.blockHash(header) };
  }

  /**
   * Commits a block agreed by consensus or received from a peer after checking it extends our
   * head, was made by a sealer, hashes correctly and carries only validly signed transactions.
   * Returns why not, if not.
   */
  accept(block: Block): string | undefined {
    if (block.number !== this.number + 1) return `block ${block.number} does not follow ${this.number}`;
    if (block.parentHash !== this.head.hash) return `block ${block.number} has another parent`;
    if (!this.sealers().includes(block.sealer)) return `block ${block.number} was sealed by a non-sealer`;
    if (this.blockHash(block) !== block.hash) return `block ${block.number} has a wrong hash`;
    let decoded: DecodedTransaction[];
    try {
      decoded = block.txs.map((tx) => decodeTransaction(hexBytes(tx.raw), this.chain.smCrypto));
    } catch (e) {
      return `block ${block.number}: ${(e as Error).message}`;
    }
    this.commit(block, decoded);
    return undefined;
  }

  private blockHash(header: Omit<Block, "hash">): string {
    const content = JSON.stringify([header.number, header.parentHash, header.timestamp, header.sealer, header.txs.map((t) => t.hash)]);
    return toHex(chainHash(Buffer.from(content), this.chain.smCrypto));
  }

  private commit(block: Block, decoded: DecodedTransaction[], persist = true): void {
    decoded.forEach((tx, index) => {
      const result = execute(this.state, { ...this.chain, blockNumber: block.number, sender: tx.sender }, tx.fields.to, tx.fields.data);
      this.nonces.set(tx.fields.randomId.toString(), block.number);
      this.receipts.set(tx.hash, {
        root: "0x" + "0".repeat(64),
        gasUsed: hexNumber(GAS_USED),
        remainGas: hexNumber(TX_GAS_LIMIT - GAS_USED),
        contractAddress: "0x" + "0".repeat(40),
        logsBloom: "0x" + "0".repeat(512),
        status: result.status,
        statusMsg: result.status === "0x0" ? "None" : "PrecompiledError",
        output: result.output,
        logs: [],
        transactionHash: tx.hash,
        transactionIndex: hexNumber(index),
        blockNumber: hexNumber(block.number),
        blockHash: block.hash,
        from: tx.sender,
        to: tx.fields.to,
        input: toHex(tx.fields.data),
      });
    });
    this.blocks.push(block);
    if (persist) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(block) + "\n");
    }
  }

  private replay(): void {
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const block = JSON.parse(line) as Block;
      this.commit(
        block,
        block.txs.map((tx) => decodeTransaction(hexBytes(tx.raw), this.chain.smCrypto)),
        false,
      );
    }
  }
}

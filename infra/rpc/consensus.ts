/**
 * Membership transactions: ConsensusPrecompiled (0x…1003) `addSealer`, `addObserver` and
 * `remove`, signed by the stack's governance account. The chain answers in the receipt's `output`
 * as an int256 while the receipt status stays "0x0", so both are checked (fisco-2x-rpc.md §6).
 */
import { randomBytes } from "node:crypto";
import { loadPrivateKey } from "../crypto/keys";
import { decodeInt256, encodeFunctionCall } from "./abi";
import type { RpcClient, TransactionReceipt } from "./client";
import { toHex } from "./hash";
import { signTransaction } from "./transaction";

export const CONSENSUS_ADDRESS = "0x0000000000000000000000000000000000001003";
/** What the SDKs add to the current block; the node accepts (current, current + 1000]. */
const BLOCK_LIMIT_MARGIN = 500;
/** Ignored by the node since rc3 (every transaction gets the chain's tx_gas_limit), but encoded. */
const GAS = 30_000_000n;

export type ConsensusOperation = "addSealer" | "addObserver" | "removeNode";

const CONTRACT_FUNCTION: Record<ConsensusOperation, string> = { addSealer: "addSealer", addObserver: "addObserver", removeNode: "remove" };

/** Negative outputs the chain returns, by meaning. */
const CHAIN_CODES: Record<string, string> = {
  "-50000": "permission denied: the governance account is not allowed to change the consensus table (a committee or node manager restricts it)",
  "-51100": "invalid node ID: expected 128 hex characters without 0x",
  "-51101": "it is the group's last sealer; a group must keep at least one sealer",
};

export interface ConsensusTarget {
  group: number;
  /** 128 hex, no 0x. */
  nodeId: string;
  /** The node's topology name, for messages. */
  nodeName?: string;
}

export interface ConsensusOptions {
  /** Receipt polling interval, default 500 ms. */
  pollMs?: number;
  /** Give up waiting for the receipt after this long even if the block limit has not passed, default 120 s. */
  timeoutMs?: number;
}

export interface ConsensusResult {
  transactionHash: string;
  blockNumber: number;
  /** Rows the precompile changed: 1 normally, 0 for removing a node that is not in the table. */
  affected: bigint;
}

export class ConsensusError extends Error {
  constructor(
    readonly operation: ConsensusOperation,
    readonly target: ConsensusTarget,
    /** The chain's int256 answer when it refused; undefined for other failures. */
    readonly code: bigint | undefined,
    detail: string,
  ) {
    const node = target.nodeName ? `${target.nodeName} (${target.nodeId.slice(0, 16)}…)` : target.nodeId;
    super(`${operation} of node ${node} in group ${target.group}: ${detail}`);
    this.name = "ConsensusError";
  }
}

/** The governance account's private scalar, checked against the chain's crypto mode. */
function governanceScalar(privateKeyPem: string, smCrypto: boolean): string {
  const key = loadPrivateKey(privateKeyPem);
  const wanted = smCrypto ? "sm2" : "secp256k1";
  if (key.keyPair.algorithm !== wanted || !key.scalarHex) {
    throw new Error(`the governance key is ${key.keyPair.algorithm}, but this ${smCrypto ? "GM" : "standard"} chain signs with ${wanted}`);
  }
  return key.scalarHex;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends `operation` for `target` through `client` (a node that is and stays a member of the
 * group) and waits for its receipt. Resolves once the change is in a block; confirming that every
 * member reports it is the caller's job. Throws ConsensusError for a refusal or a lost transaction.
 */
export async function changeConsensus(
  client: RpcClient,
  governanceKeyPem: string,
  operation: ConsensusOperation,
  target: ConsensusTarget,
  options: ConsensusOptions = {},
): Promise<ConsensusResult> {
  const { smCrypto, chainId } = await client.getClientVersion();
  const privateKeyHex = governanceScalar(governanceKeyPem, smCrypto);
  const blockLimit = (await client.getBlockNumber(target.group)) + BLOCK_LIMIT_MARGIN;
  const { raw, hash } = signTransaction(
    {
      randomId: BigInt(toHex(randomBytes(16))),
      gasPrice: GAS,
      gasLimit: GAS,
      blockLimit: BigInt(blockLimit),
      to: CONSENSUS_ADDRESS,
      value: 0n,
      data: encodeFunctionCall(CONTRACT_FUNCTION[operation], ["string"], [target.nodeId], smCrypto),
      chainId: BigInt(chainId),
      groupId: BigInt(target.group),
      extraData: new Uint8Array(0),
    },
    { smCrypto, privateKeyHex },
  );
  const fail = (code: bigint | undefined, detail: string) => new ConsensusError(operation, target, code, detail);
  const sent = await client.sendRawTransaction(target.group, toHex(raw));
  if (sent.toLowerCase() !== hash)
    throw fail(undefined, `the node reports transaction hash ${sent}, but we computed ${hash}; our encoding disagrees with the node's`);

  const receipt = await waitForReceipt(client, target.group, hash, blockLimit, options, fail);
  if (receipt.status !== "0x0") {
    throw fail(undefined, `transaction ${hash} failed with receipt status ${receipt.status}${receipt.statusMsg ? ` (${receipt.statusMsg})` : ""}`);
  }
  const answer = decodeInt256(receipt.output);
  if (answer < 0n) {
    const meaning = CHAIN_CODES[answer.toString()] ?? "an error code this client does not know";
    throw fail(answer, `refused by the chain (${answer}): ${meaning}`);
  }
  return { transactionHash: hash, blockNumber: Number(receipt.blockNumber), affected: answer };
}

/** Polls until the receipt exists; gives up once the chain passes the block limit (the transaction can no longer be included). */
async function waitForReceipt(
  client: RpcClient,
  group: number,
  hash: string,
  blockLimit: number,
  options: ConsensusOptions,
  fail: (code: undefined, detail: string) => ConsensusError,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    // Height first: a transaction in any block up to `current` has a receipt by the time we ask.
    const current = await client.getBlockNumber(group);
    const receipt = await client.getTransactionReceipt(group, hash);
    if (receipt) return receipt;
    if (current >= blockLimit)
      throw fail(undefined, `transaction ${hash} is not on chain and the group is at block ${current}, past its block limit ${blockLimit}`);
    if (Date.now() > deadline) {
      throw fail(
        undefined,
        `no receipt for transaction ${hash} after ${options.timeoutMs ?? 120_000} ms; the group is at block ${current} (limit ${blockLimit}): is its quorum up?`,
      );
    }
    await sleep(options.pollMs ?? 500);
  }
}

export const addSealer = (client: RpcClient, governanceKeyPem: string, target: ConsensusTarget, options?: ConsensusOptions) =>
  changeConsensus(client, governanceKeyPem, "addSealer", target, options);

export const addObserver = (client: RpcClient, governanceKeyPem: string, target: ConsensusTarget, options?: ConsensusOptions) =>
  changeConsensus(client, governanceKeyPem, "addObserver", target, options);

export const removeNode = (client: RpcClient, governanceKeyPem: string, target: ConsensusTarget, options?: ConsensusOptions) =>
  changeConsensus(client, governanceKeyPem, "removeNode", target, options);

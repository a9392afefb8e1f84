/**
 * FISCO BCOS 2.x transactions (RC2 format, every compatibility version from 2.0.0-rc2): the RLP
 * list `randomid, gasPrice, gasLimit, blockLimit, to, value, data, chainId, groupId, extraData,
 * v, r, s`. The first ten items are signed:
 * - GM: SM2 with Z (default user ID) over SM3 of their RLP; `v` carries the 64-byte public key.
 * - standard: secp256k1 over Keccak-256 of their RLP; `v` is 27 + recovery id (no EIP-155).
 * The transaction hash is the chain hash of the whole signed RLP.
 */
import { secp256k1 } from "@noble/curves/secp256k1";
import { sm2 } from "sm-crypto-v2";
import { addressOfPublicKey, chainHash, hexBytes, toHex } from "./hash";
import { bigintBytes, decodeRlp, encodeRlp, RlpError, rlpBytes, rlpInteger, type RlpItem } from "./rlp";

export const SM2_USER_ID = "1234567812345678";
/** The node bounds r and s by secp256k1's order in both modes (an upstream quirk, harmless for SM2). */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export interface TransactionFields {
  /** The "nonce": random, unique within the last 1000 blocks. */
  randomId: bigint;
  gasPrice: bigint;
  gasLimit: bigint;
  /** Valid while current block < blockLimit <= current block + 1000. */
  blockLimit: bigint;
  /** `0x` + 40 hex; empty for contract creation. */
  to: string;
  value: bigint;
  data: Uint8Array;
  chainId: bigint;
  groupId: bigint;
  extraData: Uint8Array;
}

export type TransactionSignature = { kind: "sm2"; publicKey: Buffer; r: bigint; s: bigint } | { kind: "ecdsa"; v: number; r: bigint; s: bigint };

export interface DecodedTransaction {
  fields: TransactionFields;
  signature: TransactionSignature;
  /** `0x` + 40 hex, derived from the verified signature. */
  sender: string;
  /** `0x` + 64 hex: chain hash of the signed RLP (what sendRawTransaction returns). */
  hash: string;
}

export class TransactionError extends Error {
  constructor(
    /** `format`: not a well-formed transaction; `signature`: well-formed but the signature fails. */
    readonly kind: "format" | "signature",
    message: string,
  ) {
    super(message);
    this.name = "TransactionError";
  }
}

export interface TransactionSigner {
  smCrypto: boolean;
  /** 64 hex, no `0x`. */
  privateKeyHex: string;
}

function fieldItems(f: TransactionFields): RlpItem[] {
  const to = f.to === "" ? Buffer.alloc(0) : hexBytes(f.to, "to");
  if (to.length !== 0 && to.length !== 20) throw new TransactionError("format", `to must be 20 bytes, got ${to.length}`);
  return [
    bigintBytes(f.randomId),
    bigintBytes(f.gasPrice),
    bigintBytes(f.gasLimit),
    bigintBytes(f.blockLimit),
    to,
    bigintBytes(f.value),
    f.data,
    bigintBytes(f.chainId),
    bigintBytes(f.groupId),
    f.extraData,
  ];
}

/** RLP of the ten signed fields. */
export function encodeUnsignedTransaction(fields: TransactionFields): Buffer {
  return encodeRlp(fieldItems(fields));
}

/** Signs `fields`; returns the raw transaction for sendRawTransaction and its hash. */
export function signTransaction(fields: TransactionFields, signer: TransactionSigner): { raw: Buffer; hash: string } {
  const digest = chainHash(encodeUnsignedTransaction(fields), signer.smCrypto);
  let tail: RlpItem[];
  if (signer.smCrypto) {
    const publicKeyHex = sm2.getPublicKeyFromPrivateKey(signer.privateKeyHex).slice(2);
    const rs = sm2.doSignature(digest, signer.privateKeyHex, { hash: true, der: false, publicKey: publicKeyHex, userId: SM2_USER_ID });
    tail = [Buffer.from(publicKeyHex, "hex"), bigintBytes(BigInt("0x" + rs.slice(0, 64))), bigintBytes(BigInt("0x" + rs.slice(64)))];
  } else {
    const sig = secp256k1.sign(digest, signer.privateKeyHex);
    tail = [Buffer.from([27 + sig.recovery]), bigintBytes(sig.r), bigintBytes(sig.s)];
  }
  const raw = encodeRlp([...fieldItems(fields), ...tail]);
  return { raw, hash: toHex(chainHash(raw, signer.smCrypto)) };
}

function readFields(items: RlpItem[]): TransactionFields {
  const to = rlpBytes(items[4], "to");
  if (to.length !== 0 && to.length !== 20) throw new RlpError(`to must be 20 bytes, got ${to.length}`);
  return {
    randomId: rlpInteger(items[0], "randomid"),
    gasPrice: rlpInteger(items[1], "gasPrice"),
    gasLimit: rlpInteger(items[2], "gasLimit"),
    blockLimit: rlpInteger(items[3], "blockLimit"),
    to: to.length ? toHex(to) : "",
    value: rlpInteger(items[5], "value"),
    data: rlpBytes(items[6], "data"),
    chainId: rlpInteger(items[7], "chainId"),
    groupId: rlpInteger(items[8], "groupId"),
    extraData: rlpBytes(items[9], "extraData"),
  };
}

function readSignature(items: RlpItem[], smCrypto: boolean): TransactionSignature {
  const r = rlpInteger(items[11], "r");
  const s = rlpInteger(items[12], "s");
  if (smCrypto) {
    const key = rlpBytes(items[10], "public key");
    if (key.length > 64) throw new RlpError(`public key is ${key.length} bytes, expected 64`);
    // The node right-aligns a shorter key (the Python SDK strips its leading zero bytes).
    return { kind: "sm2", publicKey: Buffer.concat([Buffer.alloc(64 - key.length), key]), r, s };
  }
  const v = rlpInteger(items[10], "v");
  return { kind: "ecdsa", v: Number(v > 255n ? 255n : v), r, s };
}

/** The public key (X||Y) that signed `digest`, or undefined when the signature is invalid. */
function signerKey(signature: TransactionSignature, digest: Uint8Array): Buffer | undefined {
  const { r, s } = signature;
  if (r <= 0n || s <= 0n || r >= SECP256K1_N || s >= SECP256K1_N) return undefined;
  const rs = r.toString(16).padStart(64, "0") + s.toString(16).padStart(64, "0");
  if (signature.kind === "sm2") {
    const publicKeyHex = "04" + signature.publicKey.toString("hex");
    try {
      const ok = sm2.doVerifySignature(digest, rs, publicKeyHex, { hash: true, der: false, userId: SM2_USER_ID });
      return ok ? signature.publicKey : undefined;
    } catch {
      return undefined; // not a point on the curve
    }
  }
  if (signature.v !== 27 && signature.v !== 28) return undefined;
  try {
    const point = new secp256k1.Signature(r, s).addRecoveryBit(signature.v - 27).recoverPublicKey(digest);
    return Buffer.from(point.toRawBytes(false).subarray(1));
  } catch {
    return undefined;
  }
}

/**
 * Decodes a raw transaction and verifies its signature the way the node does when it imports one.
 * Throws TransactionError: `format` for anything the node could not decode, `signature` otherwise.
 */
export function decodeTransaction(raw: Uint8Array, smCrypto: boolean): DecodedTransaction {
  let fields: TransactionFields;
  let signature: TransactionSignature;
  try {
    const items = decodeRlp(raw);
    if (!Array.isArray(items) || items.length !== 13) {
      throw new RlpError(`expected a list of 13 items, got ${Array.isArray(items) ? items.length : "a byte string"}`);
    }
    fields = readFields(items);
    signature = readSignature(items, smCrypto);
  } catch (e) {
    if (e instanceof RlpError) throw new TransactionError("format", `invalid transaction format: ${e.message}`);
    throw e;
  }
  const digest = chainHash(encodeUnsignedTransaction(fields), smCrypto);
  const key = signerKey(signature, digest);
  if (!key) throw new TransactionError("signature", "invalid signature: it does not verify against the transaction hash");
  return { fields, signature, sender: addressOfPublicKey(key, smCrypto), hash: toHex(chainHash(raw, smCrypto)) };
}

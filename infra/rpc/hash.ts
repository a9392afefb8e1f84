/**
 * The chain's hash and address rules. A GM chain uses SM3 wherever a standard chain uses
 * Keccak-256 (original Keccak, not FIPS SHA3): transaction hashes, selectors and addresses.
 */
import { keccak_256 } from "@noble/hashes/sha3";
import { sm3 } from "sm-crypto-v2";

export function chainHash(data: Uint8Array, smCrypto: boolean): Buffer {
  return smCrypto ? Buffer.from(sm3(data), "hex") : Buffer.from(keccak_256(data));
}

/** `0x` + 40 lower-case hex: the last 20 bytes of the hash of the 64-byte public key X||Y. */
export function addressOfPublicKey(publicKey: Uint8Array, smCrypto: boolean): string {
  if (publicKey.length !== 64) throw new Error(`public key must be 64 bytes (X||Y), got ${publicKey.length}`);
  return "0x" + chainHash(publicKey, smCrypto).subarray(12).toString("hex");
}

/** Bytes of a hex string with or without `0x`; throws on odd length or non-hex characters. */
export function hexBytes(hex: string, what = "value"): Buffer {
  const digits = hex.startsWith("0x") || hex.startsWith("0X") ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new Error(`${what} is not hex: ${JSON.stringify(hex)}`);
  return Buffer.from(digits, "hex");
}

export const toHex = (bytes: Uint8Array): string => "0x" + Buffer.from(bytes).toString("hex");

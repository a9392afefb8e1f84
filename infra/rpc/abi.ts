/**
 * The slice of the Solidity ABI that precompiled contracts use: static `address`, `int256`,
 * `uint256` and dynamic `string` arguments. Only the selector differs between modes (SM3 on GM
 * chains, Keccak-256 otherwise).
 */
import { chainHash, hexBytes, toHex } from "./hash";

export type AbiType = "string" | "address" | "int256" | "uint256";
export type AbiValue = string | bigint;

const WORD = 32;
const TWO_256 = 1n << 256n;

/** First 4 bytes of the chain hash of a signature such as `addSealer(string)`. */
export function functionSelector(signature: string, smCrypto: boolean): Buffer {
  return chainHash(Buffer.from(signature, "utf8"), smCrypto).subarray(0, 4);
}

function word(value: bigint): Buffer {
  return Buffer.from(BigInt.asUintN(256, value).toString(16).padStart(64, "0"), "hex");
}

function padded(bytes: Buffer): Buffer {
  return Buffer.concat([bytes, Buffer.alloc((WORD - (bytes.length % WORD)) % WORD)]);
}

function staticWord(type: Exclude<AbiType, "string">, value: AbiValue): Buffer {
  if (type === "address") {
    const bytes = hexBytes(String(value), "address");
    if (bytes.length !== 20) throw new Error(`address must be 20 bytes, got ${JSON.stringify(value)}`);
    return Buffer.concat([Buffer.alloc(12), bytes]);
  }
  if (typeof value !== "bigint") throw new Error(`${type} needs a bigint, got ${JSON.stringify(value)}`);
  const min = type === "int256" ? -(1n << 255n) : 0n;
  const max = type === "int256" ? (1n << 255n) - 1n : TWO_256 - 1n;
  if (value < min || value > max) throw new Error(`${value} is out of range for ${type}`);
  return word(value);
}

/** Head/tail encoding of `values` as the tuple `types`. */
export function encodeArguments(types: readonly AbiType[], values: readonly AbiValue[]): Buffer {
  if (types.length !== values.length) throw new Error(`${types.length} types but ${values.length} values`);
  const heads: Buffer[] = [];
  const tails: Buffer[] = [];
  let tailOffset = types.length * WORD;
  types.forEach((type, i) => {
    if (type !== "string") {
      heads.push(staticWord(type, values[i]));
      return;
    }
    const text = Buffer.from(String(values[i]), "utf8");
    const tail = Buffer.concat([word(BigInt(text.length)), padded(text)]);
    heads.push(word(BigInt(tailOffset)));
    tails.push(tail);
    tailOffset += tail.length;
  });
  return Buffer.concat([...heads, ...tails]);
}

/** Call data: selector of `name(types…)` followed by the encoded arguments. */
export function encodeFunctionCall(name: string, types: readonly AbiType[], values: readonly AbiValue[], smCrypto: boolean): Buffer {
  return Buffer.concat([functionSelector(`${name}(${types.join(",")})`, smCrypto), encodeArguments(types, values)]);
}

function readWord(data: Buffer, offset: number): bigint {
  if (offset + WORD > data.length) throw new Error(`ABI data ends at ${data.length}, needed a word at ${offset}`);
  return BigInt(toHex(data.subarray(offset, offset + WORD)));
}

function smallNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`ABI ${what} ${value} is too large`);
  return Number(value);
}

/** Decodes `data` (bytes or hex) as the tuple `types`; strings are UTF-8, addresses `0x` + 40 hex. */
export function decodeArguments(types: readonly AbiType[], data: Uint8Array | string): AbiValue[] {
  const bytes = typeof data === "string" ? hexBytes(data, "ABI data") : Buffer.from(data);
  return types.map((type, i) => {
    const head = readWord(bytes, i * WORD);
    switch (type) {
      case "uint256":
        return head;
      case "int256":
        return BigInt.asIntN(256, head);
      case "address":
        return "0x" + head.toString(16).padStart(40, "0");
      case "string": {
        const offset = smallNumber(head, "offset");
        const length = smallNumber(readWord(bytes, offset), "string length");
        const start = offset + WORD;
        if (start + length > bytes.length) throw new Error(`ABI string of ${length} bytes runs past the data`);
        return bytes.subarray(start, start + length).toString("utf8");
      }
    }
  });
}

/** Precompiled results: `output` of a receipt or call as a signed 256-bit integer. */
export function decodeInt256(output: Uint8Array | string): bigint {
  return decodeArguments(["int256"], output)[0] as bigint;
}

/** The `selector` and argument bytes of call data; undefined when shorter than a selector. */
export function splitCallData(data: Uint8Array): { selector: string; args: Buffer } | undefined {
  if (data.length < 4) return undefined;
  return { selector: toHex(data.subarray(0, 4)), args: Buffer.from(data.subarray(4)) };
}

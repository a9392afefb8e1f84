/**
 * Recursive Length Prefix encoding, with the strict decoding FISCO's node applies: every length is
 * in its shortest form, a single byte below 0x80 stands for itself, and integers have no leading
 * zero bytes. A transaction that breaks any of these is refused by the node, so it is refused here.
 */

export type RlpItem = Uint8Array | RlpItem[];

export class RlpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RlpError";
  }
}

function lengthPrefix(length: number, shortBase: number): Buffer {
  if (length <= 55) return Buffer.from([shortBase + length]);
  const lengthBytes = bigintBytes(BigInt(length));
  return Buffer.concat([Buffer.from([shortBase + 55 + lengthBytes.length]), lengthBytes]);
}

export function encodeRlp(item: RlpItem): Buffer {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && item[0] < 0x80) return Buffer.from(item);
    return Buffer.concat([lengthPrefix(item.length, 0x80), item]);
  }
  const body = Buffer.concat(item.map(encodeRlp));
  return Buffer.concat([lengthPrefix(body.length, 0xc0), body]);
}

/** Minimal big-endian bytes of a non-negative integer; 0 is empty (encoded as 0x80). */
export function bigintBytes(value: bigint): Buffer {
  if (value < 0n) throw new RlpError(`RLP integers are non-negative, got ${value}`);
  if (value === 0n) return Buffer.alloc(0);
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? "0" + hex : hex, "hex");
}

/** An RLP integer item; a leading zero byte (including a lone 0x00) is not canonical. */
export function rlpInteger(item: RlpItem, what: string): bigint {
  if (!(item instanceof Uint8Array)) throw new RlpError(`${what}: expected an integer, got a list`);
  if (item.length > 0 && item[0] === 0) throw new RlpError(`${what}: integer has a leading zero byte`);
  return item.length === 0 ? 0n : BigInt("0x" + Buffer.from(item).toString("hex"));
}

export function rlpBytes(item: RlpItem, what: string): Uint8Array {
  if (!(item instanceof Uint8Array)) throw new RlpError(`${what}: expected a byte string, got a list`);
  return item;
}

/** Decodes exactly one item that spans all of `data`. */
export function decodeRlp(data: Uint8Array): RlpItem {
  const [item, end] = decodeAt(data, 0);
  if (end !== data.length) throw new RlpError(`${data.length - end} bytes after the RLP item`);
  return item;
}

function readLength(data: Uint8Array, at: number, size: number): number {
  if (at + size > data.length) throw new RlpError("RLP length runs past the end of the input");
  if (data[at] === 0) throw new RlpError("RLP length has a leading zero byte");
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + data[at + i];
  if (length <= 55) throw new RlpError("RLP long form used for a length of 55 or less");
  return length;
}

function decodeAt(data: Uint8Array, at: number): [RlpItem, number] {
  if (at >= data.length) throw new RlpError("RLP input ends early");
  const prefix = data[at];
  const slice = (start: number, length: number): [Uint8Array, number] => {
    if (start + length > data.length) throw new RlpError("RLP item runs past the end of the input");
    return [data.subarray(start, start + length), start + length];
  };
  if (prefix < 0x80) return [data.subarray(at, at + 1), at + 1];
  if (prefix <= 0xb7) {
    const [bytes, end] = slice(at + 1, prefix - 0x80);
    if (bytes.length === 1 && bytes[0] < 0x80) throw new RlpError("single byte below 0x80 must not have a length prefix");
    return [bytes, end];
  }
  if (prefix <= 0xbf) {
    const size = prefix - 0xb7;
    return slice(at + 1 + size, readLength(data, at + 1, size));
  }
  const [start, length] = prefix <= 0xf7 ? [at + 1, prefix - 0xc0] : [at + 1 + (prefix - 0xf7), readLength(data, at + 1, prefix - 0xf7)];
  const [body, end] = slice(start, length);
  const items: RlpItem[] = [];
  let offset = 0;
  while (offset < body.length) {
    const [item, next] = decodeAt(body, offset);
    items.push(item);
    offset = next;
  }
  return [items, end];
}

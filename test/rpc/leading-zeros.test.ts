/**
 * Zero bytes at the front of the numbers in a GM transaction, where SDKs have gone wrong
 * (fisco-2x-rpc.md §9.3–4): public-key coordinates must stay 32 bytes, in the RLP `v` field and in
 * Z; r and s must be minimal RLP integers. Checked with an SM2 verifier written here from the
 * standard (noble point arithmetic, node:crypto SM3), independent of the sm-crypto-v2 signer.
 */
import { createHash } from "node:crypto";
import { weierstrassN } from "@noble/curves/abstract/weierstrass";
import { describe, expect, it } from "vitest";
import { encodeFunctionCall } from "../../infra/rpc/abi";
import { bigintBytes, decodeRlp, encodeRlp } from "../../infra/rpc/rlp";
import { decodeTransaction, encodeUnsignedTransaction, signTransaction, type TransactionFields } from "../../infra/rpc/transaction";
import { VECTORS } from "./vectors";

const C = VECTORS.constants.sm2_curve as Record<"a" | "b" | "gx" | "gy" | "n", string>;
const big = (hex: string) => BigInt("0x" + hex);
const N = big(C.n);
const Point = weierstrassN({
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  n: N,
  h: 1n,
  a: big(C.a),
  b: big(C.b),
  Gx: big(C.gx),
  Gy: big(C.gy),
});

const sm3 = (...parts: Uint8Array[]) => createHash("sm3").update(Buffer.concat(parts)).digest();
const word = (n: bigint) => Buffer.from(n.toString(16).padStart(64, "0"), "hex");
const unpadded = (n: bigint) => bigintBytes(n);

/** Private keys found by search: the public X, respectively Y, of each starts with 0x00. */
const X_LEADING_ZERO = "e95aa380b92b53195e6b38703b1675d1bdd77925d0ea13e61c484e9f23c9aa4f";
const Y_LEADING_ZERO = "177ce9bb238acaf1a3e5abd84aa686370455eab2a54dbdbfbc1811b2d26c6a0a";

function publicPoint(privateKeyHex: string): { x: bigint; y: bigint } {
  return Point.BASE.multiply(big(privateKeyHex)).toAffine();
}

/** GB/T 32918 verification with the default user ID; `coordinate` shapes X and Y inside Z. */
function sm2Verifies(digest: Uint8Array, r: bigint, s: bigint, key: { x: bigint; y: bigint }, coordinate: (n: bigint) => Uint8Array = word): boolean {
  const z = sm3(
    Buffer.from("0080", "hex"),
    Buffer.from("1234567812345678"),
    ...[C.a, C.b, C.gx, C.gy].map((h) => word(big(h))),
    coordinate(key.x),
    coordinate(key.y),
  );
  const e = big(sm3(z, digest).toString("hex"));
  const t = (r + s) % N;
  if (t === 0n) return false;
  const { x: x1 } = Point.BASE.multiply(s).add(Point.fromAffine(key).multiply(t)).toAffine();
  return (e + x1) % N === r;
}

function fields(randomId: bigint): TransactionFields {
  return {
    randomId,
    gasPrice: 30000000n,
    gasLimit: 30000000n,
    blockLimit: 600n,
    to: VECTORS.constants.consensus_precompiled_address,
    value: 0n,
    data: encodeFunctionCall("addSealer", ["string"], [VECTORS.calldata.node_id_used], true),
    chainId: 1n,
    groupId: 1n,
    extraData: new Uint8Array(0),
  };
}

/** The 13 RLP items of a raw transaction. */
const items = (raw: Uint8Array) => decodeRlp(raw) as Buffer[];

describe("leading zero bytes in GM transactions", () => {
  it("keys whose public X or Y starts with a zero byte: 64-byte v, padded Z, address of the padded key", () => {
    for (const [privateKey, coordinate] of [
      [X_LEADING_ZERO, "x"],
      [Y_LEADING_ZERO, "y"],
    ] as const) {
      const key = publicPoint(privateKey);
      expect(word(key[coordinate])[0]).toBe(0);
      const publicKey = Buffer.concat([word(key.x), word(key.y)]);

      const f = fields(0x2a4b6c8d0e1f2a3b4c5d6e7fn);
      const { raw } = signTransaction(f, { smCrypto: true, privateKeyHex: privateKey });
      const [, , , , , , , , , , v, r, s] = items(raw);
      expect(v).toEqual(publicKey); // all 64 bytes, zero byte included
      const digest = sm3(encodeUnsignedTransaction(f));
      expect(sm2Verifies(digest, big(r.toString("hex")), big(s.toString("hex")), key)).toBe(true);
      // The nodejs-sdk bug: Z over the unpadded coordinate gives a different Z, so this fails.
      expect(sm2Verifies(digest, big(r.toString("hex")), big(s.toString("hex")), key, unpadded)).toBe(false);
      expect(decodeTransaction(raw, true).sender).toBe("0x" + sm3(publicKey).subarray(12).toString("hex"));
    }
  });

  it("r or s with a leading zero byte: encoded as a minimal integer, and a padded one is refused", () => {
    const key = VECTORS.gm_keys.pysdk_test_key;
    const point = publicPoint(key.private_key);
    const found: Partial<Record<"r" | "s", { raw: Buffer; digest: Buffer }>> = {};
    for (let i = 1n; i < 20_000n && !(found.r && found.s); i++) {
      const f = fields(i);
      const { raw } = signTransaction(f, { smCrypto: true, privateKeyHex: key.private_key });
      const [r, s] = items(raw).slice(11);
      // One time in 256 a value is below 2^248, so its minimal form has 31 bytes or fewer.
      if (r.length < 32) found.r ??= { raw, digest: sm3(encodeUnsignedTransaction(f)) };
      if (s.length < 32) found.s ??= { raw, digest: sm3(encodeUnsignedTransaction(f)) };
    }
    for (const which of ["r", "s"] as const) {
      const { raw, digest } = found[which]!;
      const list = items(raw);
      const index = which === "r" ? 11 : 12;
      expect(list[index].length).toBeLessThan(32);
      expect(list[index][0]).not.toBe(0);
      expect(sm2Verifies(digest, big(list[11].toString("hex")), big(list[12].toString("hex")), point)).toBe(true);
      expect(decodeTransaction(raw, true).sender).toBe(key.address_lower);
      // The node reads r and s as canonical RLP integers: a 32-byte form with a leading zero is a BadCast.
      const padded = [...list];
      padded[index] = Buffer.concat([Buffer.alloc(32 - list[index].length), list[index]]);
      expect(() => decodeTransaction(encodeRlp(padded), true)).toThrow(/leading zero/);
    }
  });
});

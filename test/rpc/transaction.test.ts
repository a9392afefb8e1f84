import { sm2 } from "sm-crypto-v2";
import { describe, expect, it } from "vitest";
import { encodeFunctionCall } from "../../infra/rpc/abi";
import { chainHash, hexBytes, toHex } from "../../infra/rpc/hash";
import { bigintBytes, decodeRlp, encodeRlp } from "../../infra/rpc/rlp";
import { decodeTransaction, encodeUnsignedTransaction, signTransaction, TransactionError, type TransactionFields } from "../../infra/rpc/transaction";
import { DOC_ECDSA_EXAMPLE, DOC_ECDSA_RAW, DOC_ECDSA_RESULT, DOC_GM_EXAMPLE, GM_ADD_SEALER_HASH, GM_ADD_SEALER_RAW, VECTORS } from "./vectors";

const f = DOC_GM_EXAMPLE.fields;
const int = (h: string) => (h === "0x" ? 0n : BigInt(h));

/** The docs' GM example rebuilt from its published fields. */
const docFields: TransactionFields = {
  randomId: int(f.randomid),
  gasPrice: int(f.gasPrice),
  gasLimit: int(f.gasLimit),
  blockLimit: int(f.blockLimit),
  to: f.to,
  value: int(f.value),
  data: hexBytes(f.data),
  chainId: int(f.chainId),
  groupId: int(f.groupId),
  extraData: hexBytes(f.extraData),
};
const docRaw = encodeRlp([
  ...[docFields.randomId, docFields.gasPrice, docFields.gasLimit, docFields.blockLimit].map(bigintBytes),
  hexBytes(docFields.to),
  bigintBytes(docFields.value),
  docFields.data,
  bigintBytes(docFields.chainId),
  bigintBytes(docFields.groupId),
  docFields.extraData,
  hexBytes(f["v(pub)"]),
  bigintBytes(BigInt(f.r)),
  bigintBytes(BigInt(f.s)),
]);

function flipped(raw: Buffer, byte: number, bit: number): Buffer {
  const copy = Buffer.from(raw);
  copy[byte] ^= 1 << bit;
  return copy;
}

describe("transactions", () => {
  it("accepts the FISCO docs' GM example: hash to sign, sender and tx hash match", () => {
    expect(toHex(chainHash(encodeUnsignedTransaction(docFields), true))).toBe(DOC_GM_EXAMPLE.hash_to_sign_sm3);
    const tx = decodeTransaction(docRaw, true);
    expect(tx.sender).toBe(DOC_GM_EXAMPLE.sender_address);
    expect(tx.hash).toBe(DOC_GM_EXAMPLE.tx_hash_sm3_of_raw);
    expect(tx.fields).toEqual(docFields);
  });

  it("rejects the docs' GM example with any one bit flipped (one bit per byte, rotating)", () => {
    for (let i = 0; i < docRaw.length; i++) {
      expect(() => decodeTransaction(flipped(docRaw, i, i % 8), true), `byte ${i}`).toThrow(TransactionError);
    }
  });

  it("rejects the GM example when read as a standard (ECDSA) transaction", () => {
    expect(() => decodeTransaction(docRaw, false)).toThrow(TransactionError);
  });

  it("accepts the FISCO docs' standard (ECDSA) example: v 27, the recovered sender and the tx hash the node returned", () => {
    const raw = hexBytes(DOC_ECDSA_RAW);
    const tx = decodeTransaction(raw, false);
    expect(tx.signature).toMatchObject({ kind: "ecdsa", v: DOC_ECDSA_EXAMPLE.v });
    expect(tx.sender).toBe(DOC_ECDSA_EXAMPLE.recovered_sender);
    expect(tx.hash).toBe(DOC_ECDSA_EXAMPLE.tx_hash_keccak256_of_raw);
    expect(tx.hash).toBe(DOC_ECDSA_RESULT);
    // Re-encoding the decoded fields with the same signature gives the published bytes back.
    const { v, r, s } = tx.signature as { v: number; r: bigint; s: bigint };
    expect(
      Buffer.from(encodeRlp([...(decodeRlp(encodeUnsignedTransaction(tx.fields)) as Uint8Array[]), Buffer.from([v]), bigintBytes(r), bigintBytes(s)])),
    ).toEqual(Buffer.from(raw));
  });

  it("the docs' ECDSA example with any one bit flipped, or v 28, is refused or recovers another sender; read as GM it is refused", () => {
    const raw = hexBytes(DOC_ECDSA_RAW);
    // ECDSA recovery yields some key for most altered messages, as on the node: what must not survive is the sender.
    const senderOrRefusal = (bytes: Uint8Array) => {
      try {
        return decodeTransaction(bytes, false).sender;
      } catch (e) {
        expect(e).toBeInstanceOf(TransactionError);
        return "refused";
      }
    };
    for (let i = 0; i < raw.length; i++) {
      expect(senderOrRefusal(flipped(raw, i, i % 8)), `byte ${i}`).not.toBe(DOC_ECDSA_EXAMPLE.recovered_sender);
    }
    const items = decodeRlp(raw) as Uint8Array[];
    expect(senderOrRefusal(encodeRlp([...items.slice(0, 10), Buffer.from([28]), ...items.slice(11)]))).not.toBe(DOC_ECDSA_EXAMPLE.recovered_sender);
    expect(senderOrRefusal(encodeRlp([...items.slice(0, 10), Buffer.from([29]), ...items.slice(11)]))).toBe("refused");
    expect(() => decodeTransaction(raw, true)).toThrow(TransactionError);
  });

  it("decodes the published signed GM addSealer request", () => {
    const tx = decodeTransaction(hexBytes(GM_ADD_SEALER_RAW), true);
    expect(tx.hash).toBe(GM_ADD_SEALER_HASH);
    expect(tx.sender).toBe(VECTORS.gm_keys.pysdk_test_key.address_lower);
    expect(toHex(tx.fields.data)).toBe(VECTORS.calldata.gm.addSealer);
    expect(tx.fields.to).toBe(VECTORS.constants.consensus_precompiled_address);
  });

  it("signs GM and ECDSA transactions that verify to the key's address", () => {
    const node = VECTORS.calldata.node_id_used;
    for (const [smCrypto, key] of [
      [true, VECTORS.gm_keys.pysdk_test_key],
      [false, VECTORS.ecdsa_keys.ecdsa_key_1],
    ] as const) {
      const fields: TransactionFields = {
        ...docFields,
        randomId: 0x2a4b6c8d0e1f2a3b4c5d6e7fn,
        to: VECTORS.constants.consensus_precompiled_address,
        data: encodeFunctionCall("addSealer", ["string"], [node], smCrypto),
        extraData: new Uint8Array(0),
      };
      const { raw, hash } = signTransaction(fields, { smCrypto, privateKeyHex: key.private_key });
      const tx = decodeTransaction(raw, smCrypto);
      expect(tx.sender).toBe(key.address_lower);
      expect(tx.hash).toBe(hash);
      expect(() => decodeTransaction(flipped(raw, raw.length - 40, 3), smCrypto)).toThrow(/invalid signature/);
    }
  });

  it("refuses a GM signature made without Z", () => {
    const key = VECTORS.gm_keys.pysdk_test_key;
    const digest = chainHash(encodeUnsignedTransaction(docFields), true);
    const rs = sm2.doSignature(digest, key.private_key, { hash: false, der: false });
    const raw = encodeRlp([
      ...(decodeRlp(docRaw) as Uint8Array[]).slice(0, 10),
      hexBytes(key.public_key),
      bigintBytes(BigInt("0x" + rs.slice(0, 64))),
      bigintBytes(BigInt("0x" + rs.slice(64))),
    ]);
    expect(() => decodeTransaction(raw, true)).toThrow(/invalid signature/);
  });

  it("refuses a non-canonical integer and a short `to`", () => {
    const items = [Buffer.from([0]), ...Array(12).fill(Buffer.alloc(0))];
    expect(() => decodeTransaction(encodeRlp(items), true)).toThrow(/leading zero/);
    expect(() => signTransaction({ ...docFields, to: "0x1003" }, { smCrypto: true, privateKeyHex: "01".padStart(64, "0") })).toThrow(/20 bytes/);
  });
});

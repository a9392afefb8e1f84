/**
 * SM2 signatures as GM/T 0009 and FISCO want them: SM3 over Z||message, where Z hashes the
 * default user ID "1234567812345678" and the signer's public key. node:crypto cannot do this
 * (it signs with an empty ID or plain ECDSA; see bench/crypto-sm2.bench.ts), so sm-crypto-v2 does.
 */
import { createECDH } from "node:crypto";
import { sm2 } from "sm-crypto-v2";

export const SM2_DEFAULT_USER_ID = "1234567812345678";

/**
 * DER-encoded (r, s). `publicKeyHex` is X||Y: passing it spares a scalar multiplication, and
 * passing it without the 04 prefix lets sm-crypto-v2 skip re-parsing the point for Z.
 */
export function sm2Sign(message: Uint8Array, scalarHex: string, publicKeyHex: string): Buffer {
  const der = sm2.doSignature(message, scalarHex, {
    der: true,
    hash: true,
    publicKey: publicKeyHex,
    userId: SM2_DEFAULT_USER_ID,
    pointPool: [noncePoint()],
  });
  return Buffer.from(der, "hex");
}

export function sm2Verify(message: Uint8Array, signatureDer: Uint8Array, publicKeyHex: string): boolean {
  try {
    return sm2.doVerifySignature(message, Buffer.from(signatureDer).toString("hex"), "04" + publicKeyHex, {
      der: true,
      hash: true,
      userId: SM2_DEFAULT_USER_ID,
    });
  } catch {
    return false; // malformed DER or a point off the curve
  }
}

/**
 * The signature's random k and the x of k·G, from OpenSSL. sm-crypto-v2 would compute k·G with
 * noble, whose first base-point multiplication in a process builds a 0.35 s table: a third of a
 * small render. (In the vanishing case where this k gives r = 0, sm-crypto-v2 draws its own.)
 */
function noncePoint() {
  const ecdh = createECDH("SM2");
  const point = ecdh.generateKeys();
  return { k: BigInt(`0x${ecdh.getPrivateKey("hex")}`), x1: BigInt(`0x${point.subarray(1, 33).toString("hex")}`) };
}

/**
 * Certificate signature algorithms: which one each key type signs with, producing the
 * signature, and checking one. SM2 goes through ./sm2; ECDSA and RSA through node:crypto.
 */
import * as crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import type { KeyAlgorithm } from "./types";
import type { LoadedPrivateKey } from "./keys";
import { OID } from "./oids";
import { describePublicKey } from "./public-key";
import { sm2Sign, sm2Verify } from "./sm2";

const NULL_DER = new Uint8Array([0x05, 0x00]).buffer;

/** The AlgorithmIdentifier build_chain's certificates carry for each issuer key type. */
export function signatureAlgorithmFor(algorithm: KeyAlgorithm): AlgorithmIdentifier {
  switch (algorithm) {
    case "sm2":
      return new AlgorithmIdentifier({ algorithm: OID.sm2WithSm3 });
    case "secp256k1":
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 });
    case "rsa2048":
      // RSA PKCS#1 v1.5 identifiers keep an explicit NULL parameter (RFC 4055).
      return new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: NULL_DER });
  }
}

export function signatureAlgorithmName(oid: string): string {
  const names: Record<string, string> = {
    [OID.sm2WithSm3]: "SM2-with-SM3",
    [OID.ecdsaWithSha1]: "ecdsa-with-SHA1",
    [OID.ecdsaWithSha256]: "ecdsa-with-SHA256",
    [OID.ecdsaWithSha384]: "ecdsa-with-SHA384",
    [OID.ecdsaWithSha512]: "ecdsa-with-SHA512",
    [OID.sha256WithRsa]: "sha256WithRSAEncryption",
  };
  return names[oid] ?? oid;
}

/** Signs DER `data` (a TBSCertificate) with the algorithm of signatureAlgorithmFor(key type). */
export function signWith(key: LoadedPrivateKey, data: Uint8Array): Buffer {
  const { keyPair } = key;
  if (keyPair.algorithm === "sm2") return sm2Sign(data, key.scalarHex!, keyPair.publicKeyHex!);
  // ECDSA output is DER (r, s) by default, as X.509 wants; RSA is PKCS#1 v1.5.
  return crypto.sign("sha256", data, keyObjectOf(keyPair));
}

/** A CA's key decoded once for the many certificates it signs (decoding PEM costs more than signing). */
const keyObjects = new WeakMap<LoadedPrivateKey["keyPair"], crypto.KeyObject>();
function keyObjectOf(keyPair: LoadedPrivateKey["keyPair"]): crypto.KeyObject {
  let keyObject = keyObjects.get(keyPair);
  if (!keyObject) keyObjects.set(keyPair, (keyObject = crypto.createPrivateKey(keyPair.privateKeyPem)));
  return keyObject;
}

const NODE_HASH: Record<string, string> = {
  [OID.ecdsaWithSha256]: "sha256",
  [OID.ecdsaWithSha384]: "sha384",
  [OID.ecdsaWithSha512]: "sha512",
  [OID.sha256WithRsa]: "sha256",
};

/** True when `signature` over `data` verifies under `signer` with the algorithm `algorithmOid`. */
export function verifyWith(algorithmOid: string, data: Uint8Array, signature: Uint8Array, signer: SubjectPublicKeyInfo): boolean {
  const described = describePublicKey(signer);
  if (algorithmOid === OID.sm2WithSm3) {
    return described.algorithm === "sm2" && !!described.pointHex && sm2Verify(data, signature, described.pointHex);
  }
  const hash = NODE_HASH[algorithmOid];
  const expected = algorithmOid === OID.sha256WithRsa ? "rsa2048" : "secp256k1";
  if (!hash || described.algorithm !== expected) return false;
  const key = crypto.createPublicKey({ key: Buffer.from(AsnConvert.serialize(signer)), format: "der", type: "spki" });
  return crypto.verify(hash, data, key, signature);
}

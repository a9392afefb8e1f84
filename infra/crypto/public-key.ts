/** Reading SubjectPublicKeyInfo: which FISCO key type it is, its EC point, its key identifier. */
import * as crypto from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import type { KeyAlgorithm, KeyPair } from "./types";
import { curveOidOf } from "./ec-key-encoding";
import { curveOfOid } from "./keys";
import { OID } from "./oids";
import { pemBlocks } from "./pem";

export interface PublicKeyDescription {
  /** Undefined when the key is none of SM2, secp256k1, RSA-2048. */
  algorithm?: KeyAlgorithm;
  /** Human-readable kind for error messages, e.g. "EC curve 1.2.840.10045.3.1.7". */
  kind: string;
  /** EC keys with an uncompressed point: X||Y, 128 lowercase hex. */
  pointHex?: string;
}

export function parsePublicKeyPem(pem: string): SubjectPublicKeyInfo {
  const block = pemBlocks(pem).find((b) => b.label === "PUBLIC KEY");
  if (!block) throw new Error("no PEM public key (-----BEGIN PUBLIC KEY-----) found");
  return AsnConvert.parse(block.der, SubjectPublicKeyInfo);
}

export function describePublicKey(spki: SubjectPublicKeyInfo): PublicKeyDescription {
  const { algorithm, parameters } = spki.algorithm;
  if (algorithm === OID.ecPublicKey) {
    const curveOid = parameters ? curveOidOf(parameters) : undefined;
    const curve = curveOfOid(curveOid);
    const point = Buffer.from(spki.subjectPublicKey);
    return {
      algorithm: curve,
      kind: curve ?? `EC curve ${curveOid ?? "(not named)"}`,
      pointHex: point.length === 65 && point[0] === 0x04 ? point.subarray(1).toString("hex") : undefined,
    };
  }
  if (algorithm === OID.rsaEncryption) {
    const der = Buffer.from(AsnConvert.serialize(spki));
    const bits = crypto.createPublicKey({ key: der, format: "der", type: "spki" }).asymmetricKeyDetails?.modulusLength;
    return { algorithm: bits === 2048 ? "rsa2048" : undefined, kind: `RSA-${bits}` };
  }
  return { kind: `key algorithm ${algorithm}` };
}

/** RFC 5280 method 1 (SHA-1 of the key bits): what OpenSSL's `subjectKeyIdentifier=hash` computes. */
export function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return crypto.createHash("sha1").update(Buffer.from(spki.subjectPublicKey)).digest();
}

/** Whether `spki` is the public half of `keyPair` (EC: same curve and point; RSA: same SPKI). */
export function publicKeyMatches(spki: SubjectPublicKeyInfo, keyPair: KeyPair): boolean {
  if (keyPair.algorithm === "rsa2048") {
    return Buffer.from(AsnConvert.serialize(spki)).equals(parsePublicKeyDer(keyPair.publicKeyPem));
  }
  const described = describePublicKey(spki);
  return described.algorithm === keyPair.algorithm && described.pointHex === keyPair.publicKeyHex;
}

function parsePublicKeyDer(pem: string): Buffer {
  return Buffer.from(AsnConvert.serialize(parsePublicKeyPem(pem)));
}

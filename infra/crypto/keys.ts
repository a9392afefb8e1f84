/**
 * Key generation and private-key loading for the three FISCO key types: SM2 (GM), secp256k1
 * (standard P2P) and RSA-2048 (SDK channel).
 */
import * as crypto from "node:crypto";
import { promisify } from "node:util";
import type { KeyAlgorithm, KeyPair } from "./types";
import { decodePkcs8, decodeSec1, encodeEcPkcs8, encodeEcSpki } from "./ec-key-encoding";
import { OID } from "./oids";
import { derToPem, pemBlocks } from "./pem";

export type EcCurve = "sm2" | "secp256k1";

const EC_CURVES: Record<EcCurve, { oid: string; opensslName: string }> = {
  sm2: { oid: OID.curveSm2, opensslName: "SM2" },
  secp256k1: { oid: OID.curveSecp256k1, opensslName: "secp256k1" },
};

/** A private key with everything later steps need, in normalised form. */
export interface LoadedPrivateKey {
  keyPair: KeyPair;
  /** EC only: the private scalar, 64 lowercase hex (sm-crypto-v2 signs with it). */
  scalarHex?: string;
}

export function curveOfOid(oid: string | undefined): EcCurve | undefined {
  return (Object.keys(EC_CURVES) as EcCurve[]).find((c) => EC_CURVES[c].oid === oid);
}

function isEcAlgorithm(alg: KeyAlgorithm): alg is EcCurve {
  return alg === "sm2" || alg === "secp256k1";
}

/** SM2 or secp256k1 key pair. Synchronous: EC key generation costs about half a millisecond. */
export function generateEcKeyPair(curve: EcCurve): KeyPair {
  for (;;) {
    // ECDH hands back the raw scalar and point, which spares a PKCS#8 export and re-parse.
    const ecdh = crypto.createECDH(EC_CURVES[curve].opensslName);
    const point = ecdh.generateKeys();
    const scalar = ecdh.getPrivateKey();
    // build_chain and generator discard keys whose scalar has a leading zero byte (older nodes
    // mishandled them); doing the same keeps our keys acceptable to every 2.x release.
    if (scalar.length === 32 && scalar[0] !== 0) return ecKeyPair(curve, scalar, point);
  }
}

const generateKeyPairAsync = promisify(crypto.generateKeyPair);

/** RSA-2048 key pair. Asynchronous because each key costs ~0.2 s: callers run several at once. */
export async function generateRsaKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPairAsync("rsa", {
    modulusLength: 2048,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { algorithm: "rsa2048", privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export async function generateKey(algorithm: KeyAlgorithm): Promise<KeyPair> {
  return isEcAlgorithm(algorithm) ? generateEcKeyPair(algorithm) : generateRsaKeyPair();
}

/**
 * Loads a PEM private key: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`, `SM2 PRIVATE KEY`) or PKCS#1
 * (`RSA PRIVATE KEY`). The result is re-encoded as PKCS#8, which is what the FISCO tools write.
 * The curve is told by its OID, since SM2 and secp256k1 share the id-ecPublicKey algorithm.
 * EC keys are decoded here rather than by node:crypto: Node types an SM2 key read from PEM as
 * a distinct key type and aborts the process when asked to export it as SEC1.
 */
export function loadPrivateKey(pem: string): LoadedPrivateKey {
  const block = pemBlocks(pem).find((b) => b.label.endsWith("PRIVATE KEY"));
  if (!block) throw new Error("no PEM private key found");
  switch (block.label) {
    case "PRIVATE KEY": {
      const p8 = decodePkcs8(block.der);
      if (p8.algorithmOid === OID.rsaEncryption) return loadRsa(pem);
      if (p8.algorithmOid !== OID.ecPublicKey) throw new Error(`unsupported key algorithm ${p8.algorithmOid}`);
      const sec1 = decodeSec1(p8.innerKey);
      return loadEc(p8.curveOid ?? sec1.curveOid, sec1.scalar, sec1.publicPoint);
    }
    case "EC PRIVATE KEY":
    case "SM2 PRIVATE KEY": {
      // OpenSSL 3's label for SEC1 SM2 keys (`openssl ec -in sm2.key`)
      const sec1 = decodeSec1(block.der);
      return loadEc(sec1.curveOid, sec1.scalar, sec1.publicPoint);
    }
    case "RSA PRIVATE KEY":
      return loadRsa(pem);
    default:
      throw new Error(`${block.label} is not supported; export the key unencrypted (openssl pkcs8 -topk8 -nocrypt)`);
  }
}

function loadEc(curveOid: string | undefined, storedScalar: Buffer, embeddedPoint?: Buffer): LoadedPrivateKey {
  const curve = curveOfOid(curveOid);
  if (!curve) throw new Error(`EC curve ${curveOid ?? "(not named)"} is neither SM2 nor secp256k1`);
  if (storedScalar.length > 32) throw new Error(`EC private key is ${storedScalar.length} bytes, expected 32`);
  const scalar = Buffer.concat([Buffer.alloc(32 - storedScalar.length), storedScalar]);
  const ecdh = crypto.createECDH(EC_CURVES[curve].opensslName);
  try {
    ecdh.setPrivateKey(scalar);
  } catch {
    throw new Error(`EC private key is out of range for ${curve}`);
  }
  // Derived, not trusted from the file: a stale embedded point would give a wrong node ID.
  const point = ecdh.getPublicKey();
  if (embeddedPoint && !embeddedPoint.equals(point)) {
    throw new Error("the public key stored in the private key file does not belong to its private scalar");
  }
  return { keyPair: ecKeyPair(curve, scalar, point), scalarHex: scalar.toString("hex") };
}

function ecKeyPair(curve: EcCurve, scalar: Buffer, point: Buffer): KeyPair {
  const { oid } = EC_CURVES[curve];
  return {
    algorithm: curve,
    privateKeyPem: derToPem(encodeEcPkcs8(oid, scalar, point), "PRIVATE KEY"),
    publicKeyPem: derToPem(encodeEcSpki(oid, point), "PUBLIC KEY"),
    publicKeyHex: point.subarray(1).toString("hex"),
  };
}

function loadRsa(pem: string): LoadedPrivateKey {
  const key = crypto.createPrivateKey(pem);
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== "rsa" || bits !== 2048) {
    throw new Error(`RSA key of ${bits} bits; the channel needs RSA-2048`);
  }
  return {
    keyPair: {
      algorithm: "rsa2048",
      privateKeyPem: key.export({ type: "pkcs8", format: "pem" }) as string,
      publicKeyPem: crypto.createPublicKey(key).export({ type: "spki", format: "pem" }) as string,
    },
  };
}

/**
 * DER encodings of private keys (PKCS#8 PrivateKeyInfo, SEC1 ECPrivateKey) and of EC public keys
 * (SubjectPublicKeyInfo). The schemas are declared with @peculiar/asn1-schema; the decorators are
 * applied as plain calls because the project compiles without `experimentalDecorators`.
 */
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";
import { OID } from "./oids";

/** RFC 5480 ECParameters; only the namedCurve alternative occurs in practice. */
class EcParameters {
  namedCurve?: string;
  constructor(params: Partial<EcParameters> = {}) {
    Object.assign(this, params);
  }
}
AsnType({ type: AsnTypeTypes.Choice })(EcParameters);
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(EcParameters.prototype, "namedCurve");

/** RFC 5915 ECPrivateKey (SEC1). */
class EcPrivateKey {
  version = 1;
  privateKey = new OctetString();
  parameters?: EcParameters;
  publicKey?: ArrayBuffer;
  constructor(params: Partial<EcPrivateKey> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Integer })(EcPrivateKey.prototype, "version");
AsnProp({ type: OctetString })(EcPrivateKey.prototype, "privateKey");
AsnProp({ type: EcParameters, context: 0, optional: true })(EcPrivateKey.prototype, "parameters");
AsnProp({ type: AsnPropTypes.BitString, context: 1, optional: true })(EcPrivateKey.prototype, "publicKey");

/** RFC 5208 PrivateKeyInfo (PKCS#8, unencrypted); attributes are not supported. */
class PrivateKeyInfo {
  version = 0;
  privateKeyAlgorithm = new AlgorithmIdentifier();
  privateKey = new OctetString();
  constructor(params: Partial<PrivateKeyInfo> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Integer })(PrivateKeyInfo.prototype, "version");
AsnProp({ type: AlgorithmIdentifier })(PrivateKeyInfo.prototype, "privateKeyAlgorithm");
AsnProp({ type: OctetString })(PrivateKeyInfo.prototype, "privateKey");

/** What an EC private key file holds. */
export interface EcPrivateKeyParts {
  /** Absent when a SEC1 key leaves the curve out (the caller must reject it). */
  curveOid?: string;
  /** The private scalar as stored (not yet padded). */
  scalar: Buffer;
  /** Uncompressed public point `04||X||Y` when the file embeds it. */
  publicPoint?: Buffer;
}

export interface Pkcs8Contents {
  algorithmOid: string;
  /** EC: the curve OID from the algorithm parameters. */
  curveOid?: string;
  /** The inner key: SEC1 ECPrivateKey for EC, PKCS#1 RSAPrivateKey for RSA. */
  innerKey: Buffer;
}

export function decodePkcs8(der: Uint8Array): Pkcs8Contents {
  const info = AsnConvert.parse(der, PrivateKeyInfo);
  const params = info.privateKeyAlgorithm.parameters;
  return {
    algorithmOid: info.privateKeyAlgorithm.algorithm,
    curveOid: params ? curveOidOf(params) : undefined,
    innerKey: Buffer.from(info.privateKey.buffer),
  };
}

export function decodeSec1(der: Uint8Array): EcPrivateKeyParts {
  const key = AsnConvert.parse(der, EcPrivateKey);
  return {
    curveOid: key.parameters?.namedCurve,
    scalar: Buffer.from(key.privateKey.buffer),
    publicPoint: key.publicKey ? Buffer.from(key.publicKey) : undefined,
  };
}

/** PKCS#8 as `openssl genpkey` writes it: curve in the algorithm, public point inside the SEC1 part. */
export function encodeEcPkcs8(curveOid: string, scalar: Uint8Array, publicPoint: Uint8Array): Buffer {
  const inner = new EcPrivateKey({
    privateKey: new OctetString(scalar),
    publicKey: toArrayBuffer(publicPoint),
  });
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: ecAlgorithm(curveOid),
    privateKey: new OctetString(AsnConvert.serialize(inner)),
  });
  return Buffer.from(AsnConvert.serialize(info));
}

export function encodeEcSpki(curveOid: string, publicPoint: Uint8Array): Buffer {
  const spki = new SubjectPublicKeyInfo({
    algorithm: ecAlgorithm(curveOid),
    subjectPublicKey: toArrayBuffer(publicPoint),
  });
  return Buffer.from(AsnConvert.serialize(spki));
}

/** The named curve in an id-ecPublicKey AlgorithmIdentifier's parameters, if it names one. */
export function curveOidOf(parameters: ArrayBuffer): string | undefined {
  try {
    return AsnConvert.parse(parameters, EcParameters).namedCurve;
  } catch {
    return undefined; // NULL or explicit curve parameters: not a named curve
  }
}

function ecAlgorithm(curveOid: string): AlgorithmIdentifier {
  return new AlgorithmIdentifier({
    algorithm: OID.ecPublicKey,
    parameters: AsnConvert.serialize(new EcParameters({ namedCurve: curveOid })),
  });
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

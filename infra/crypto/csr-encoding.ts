/**
 * DER of PKCS#10 certification requests (RFC 2986). The schemas are declared with
 * @peculiar/asn1-schema like ./ec-key-encoding (decorators applied as plain calls).
 */
import { AsnArray, AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Attribute, Name, SubjectPublicKeyInfo } from "@peculiar/asn1-x509";

/** `attributes [0] IMPLICIT SET OF Attribute`: the implicit tag replaces the SET tag on the wire. */
class CsrAttributes extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, CsrAttributes.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Sequence, itemType: Attribute })(CsrAttributes);

export class CertificationRequestInfo {
  version = 0;
  subject = new Name();
  subjectPKInfo = new SubjectPublicKeyInfo();
  attributes = new CsrAttributes();
  constructor(params: Partial<CertificationRequestInfo> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Integer })(CertificationRequestInfo.prototype, "version");
AsnProp({ type: Name })(CertificationRequestInfo.prototype, "subject");
AsnProp({ type: SubjectPublicKeyInfo })(CertificationRequestInfo.prototype, "subjectPKInfo");
AsnProp({ type: CsrAttributes, context: 0, implicit: true })(CertificationRequestInfo.prototype, "attributes");

/** A parsed request; `certificationRequestInfoRaw` is the DER the signature covers, as received. */
class CertificationRequest {
  certificationRequestInfo = new CertificationRequestInfo();
  certificationRequestInfoRaw?: ArrayBuffer;
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new ArrayBuffer(0);
}
AsnProp({ type: CertificationRequestInfo, raw: true })(CertificationRequest.prototype, "certificationRequestInfo");
AsnProp({ type: AlgorithmIdentifier })(CertificationRequest.prototype, "signatureAlgorithm");
AsnProp({ type: AsnPropTypes.BitString })(CertificationRequest.prototype, "signature");

/** The same outer SEQUENCE with the signed info kept as DER, so it is not serialised twice. */
class SignedRequest {
  certificationRequestInfo = new ArrayBuffer(0);
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new ArrayBuffer(0);
  constructor(params: Partial<SignedRequest> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.Any })(SignedRequest.prototype, "certificationRequestInfo");
AsnProp({ type: AlgorithmIdentifier })(SignedRequest.prototype, "signatureAlgorithm");
AsnProp({ type: AsnPropTypes.BitString })(SignedRequest.prototype, "signature");

export interface DecodedRequest {
  info: CertificationRequestInfo;
  /** DER of CertificationRequestInfo exactly as signed. */
  infoDer: Buffer;
  signatureAlgorithm: AlgorithmIdentifier;
  signature: Buffer;
}

export function encodeRequestInfo(info: CertificationRequestInfo): Buffer {
  return Buffer.from(AsnConvert.serialize(info));
}

export function encodeSignedRequest(infoDer: Uint8Array, signatureAlgorithm: AlgorithmIdentifier, signature: Uint8Array): Buffer {
  return Buffer.from(
    AsnConvert.serialize(new SignedRequest({ certificationRequestInfo: toArrayBuffer(infoDer), signatureAlgorithm, signature: toArrayBuffer(signature) })),
  );
}

export function decodeRequest(der: Uint8Array): DecodedRequest {
  const request = AsnConvert.parse(der, CertificationRequest);
  if (!request.certificationRequestInfoRaw) throw new Error("the request's signed part could not be read");
  return {
    info: request.certificationRequestInfo,
    infoDer: Buffer.from(request.certificationRequestInfoRaw),
    signatureAlgorithm: request.signatureAlgorithm,
    signature: Buffer.from(request.signature),
  };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

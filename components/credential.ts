/**
 * A key and the certificate on it, as Pulumi resources, and their conversion to the plain
 * `Credential` the renderers take.
 */
import * as pulumi from "@pulumi/pulumi";
import { publicKeyOfCertificate, readLeafCertificate } from "../infra/crypto/adopted-certificate";
import type { ProfileName } from "../infra/crypto/profiles";
import type { Credential, KeyAlgorithm } from "../infra/crypto/types";
import { Certificate } from "../infra/providers/certificate";
import { KeyPair } from "../infra/providers/key-pair";
import type { AdoptedCredential } from "./adoption";

/** Certificate lifetime settings shared by every certificate of a chain. */
export interface Validity {
  /** Days from issue to expiry. */
  validityDays: number;
  /** Re-issue this many days before expiry (same key). */
  renewBeforeDays: number;
}

export interface CredentialOutputs {
  algorithm: KeyAlgorithm;
  /** PEM PKCS#8; secret. */
  privateKeyPem: pulumi.Output<string>;
  publicKeyPem: pulumi.Output<string>;
  /** EC: the 128-hex public point; empty for RSA. */
  publicKeyHex: pulumi.Output<string>;
  certPem: pulumi.Output<string>;
  /** When the certificate expires (ISO). */
  notAfter: pulumi.Output<string>;
  /** Adopted: the certificate file as it was, while the certificate is the adopted one. */
  chainPem?: pulumi.Output<string | undefined>;
}

export interface CredentialSpec {
  algorithm: KeyAlgorithm;
  profile: ProfileName;
  subjectName?: string;
  /** The issuing CA; omit for a self-signed root. */
  issuer?: CredentialOutputs;
  /** Certify this existing key instead of making a new one. */
  key?: KeyPair;
  validity: Validity;
  /** Take this existing key and certificate (from `bcos-pulumi import`) instead of making them. */
  adopt?: AdoptedCredential;
}

/**
 * Creates `<name>-key` (unless a key is given) and `<name>-cert` under `parent`. An adopted CA
 * without its key creates nothing: its certificate is a constant, and it signs nothing (its
 * private key is empty, which the Certificate provider refuses in preview).
 */
export function credential(name: string, spec: CredentialSpec, parent: pulumi.Resource): CredentialOutputs {
  const { adopt } = spec;
  if (adopt && !adopt.privateKeyPem) {
    const { certPem, notAfter } = readLeafCertificate(adopt.certFile, `${name}: the adopted certificate`);
    const { publicKeyPem, publicKeyHex } = publicKeyOfCertificate(certPem);
    return {
      algorithm: spec.algorithm,
      privateKeyPem: pulumi.secret(""),
      publicKeyPem: pulumi.output(publicKeyPem),
      publicKeyHex: pulumi.output(publicKeyHex),
      certPem: pulumi.output(certPem),
      notAfter: pulumi.output(notAfter.toISOString()),
    };
  }
  const key = spec.key ?? new KeyPair(`${name}-key`, { algorithm: spec.algorithm, adoptPrivateKeyPem: adopt?.privateKeyPem }, { parent });
  const cert = new Certificate(
    `${name}-cert`,
    {
      profile: spec.profile,
      subjectName: spec.subjectName,
      subjectPublicKeyPem: key.publicKeyPem,
      issuerCertPem: spec.issuer?.certPem,
      issuerPrivateKeyPem: spec.issuer ? spec.issuer.privateKeyPem : key.privateKeyPem,
      validityDays: spec.validity.validityDays,
      renewBeforeDays: spec.validity.renewBeforeDays,
      adoptCertPem: adopt?.certFile,
    },
    { parent },
  );
  const adoptedLeaf = adopt && readLeafCertificate(adopt.certFile, `${name}: the adopted certificate`).certPem;
  return {
    algorithm: spec.algorithm,
    privateKeyPem: pulumi.secret(key.privateKeyPem),
    publicKeyPem: key.publicKeyPem,
    publicKeyHex: key.publicKeyHex,
    certPem: cert.certPem,
    notAfter: cert.notAfter,
    ...(adopt ? { chainPem: cert.certPem.apply((pem) => (pem === adoptedLeaf ? adopt.certFile : undefined)) } : {}),
  };
}

/** The plain credential, for renderers; stays secret because the private key is. */
export function plainCredential(c: CredentialOutputs): pulumi.Output<Credential> {
  return pulumi
    .all([c.privateKeyPem, c.publicKeyPem, c.publicKeyHex, c.certPem, c.chainPem ?? pulumi.output(undefined)])
    .apply(([privateKeyPem, publicKeyPem, publicKeyHex, certPem, chainPem]) => ({
      key: { algorithm: c.algorithm, privateKeyPem, publicKeyPem, ...(publicKeyHex ? { publicKeyHex } : {}) },
      certPem,
      ...(chainPem !== undefined ? { chainPem } : {}),
    }));
}

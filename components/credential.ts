/**
 * A key and the certificate on it, as Pulumi resources, and their conversion to the plain
 * `Credential` the renderers take.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProfileName } from "../infra/crypto/profiles";
import type { Credential, KeyAlgorithm } from "../infra/crypto/types";
import { Certificate } from "../infra/providers/certificate";
import { KeyPair } from "../infra/providers/key-pair";

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
}

/** Creates `<name>-key` (unless a key is given) and `<name>-cert` under `parent`. */
export function credential(name: string, spec: CredentialSpec, parent: pulumi.Resource): CredentialOutputs {
  const key = spec.key ?? new KeyPair(`${name}-key`, { algorithm: spec.algorithm }, { parent });
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
    },
    { parent },
  );
  return {
    algorithm: spec.algorithm,
    privateKeyPem: pulumi.secret(key.privateKeyPem),
    publicKeyPem: key.publicKeyPem,
    publicKeyHex: key.publicKeyHex,
    certPem: cert.certPem,
    notAfter: cert.notAfter,
  };
}

/** The plain credential, for renderers; stays secret because the private key is. */
export function plainCredential(c: CredentialOutputs): pulumi.Output<Credential> {
  return pulumi.all([c.privateKeyPem, c.publicKeyPem, c.publicKeyHex, c.certPem]).apply(([privateKeyPem, publicKeyPem, publicKeyHex, certPem]) => ({
    key: { algorithm: c.algorithm, privateKeyPem, publicKeyPem, ...(publicKeyHex ? { publicKeyHex } : {}) },
    certPem,
  }));
}

/**
 * Key and certificate material. PEM strings throughout; private keys are PKCS#8
 * (`-----BEGIN PRIVATE KEY-----`). Nothing here knows about Pulumi; the providers mark
 * private keys secret.
 */

export type KeyAlgorithm = "sm2" | "secp256k1" | "rsa2048";

export interface KeyPair {
  algorithm: KeyAlgorithm;
  /** PEM PKCS#8, unencrypted. */
  privateKeyPem: string;
  /** PEM SubjectPublicKeyInfo. */
  publicKeyPem: string;
  /** EC keys only: uncompressed public point X||Y, 128 lowercase hex (the FISCO node ID). */
  publicKeyHex?: string;
}

/** A certificate together with the key it certifies. */
export interface Credential {
  key: KeyPair;
  /** The leaf certificate alone, PEM. */
  certPem: string;
  /**
   * An adopted certificate file (leaf, then whatever chain its tool appended), verbatim: written
   * instead of a rendered chain so that adopted packages keep the original bytes.
   */
  chainPem?: string;
}

/** Chain CA pair (GM: SM2 `gmca`, standard: secp256k1 `ca`). */
export interface ChainAuthorityPki {
  /** SM2 chain CA (`gmca.crt`); present in GM mode. */
  gm?: Credential;
  /** secp256k1 chain CA (`ca.crt`): the non-GM P2P root, and the GM `origin_cert/` root. */
  std: Credential;
}

export interface AgencyPki {
  name: string;
  /** SM2 agency CA signed by the GM chain CA (`gmagency.crt`); GM mode only. */
  gm?: Credential;
  /** secp256k1 agency CA signed by the standard chain CA (`agency.crt`). */
  std: Credential;
  /** Self-signed RSA-2048 channel CA (`channel/ca.crt`); absent when the chain has no RSA channel. */
  channelCa?: Credential;
  /** SDK bundle material. */
  sdk: SdkPki;
}

export interface SdkPki {
  /** RSA channel client certificate signed by the agency's channel CA (`sdk/sdk.crt`); RSA channel only. */
  channel?: Credential;
  /**
   * Without the RSA channel: secp256k1 client certificate signed by the agency's secp256k1 CA
   * (`sdk/sdk.crt`, build_chain -R), which the node's own secp256k1 channel set accepts.
   */
  std?: Credential;
  /** GM only: SM2 sign/enc pair under the GM agency (`sdk/gm/gmsdk.*`, `sdk/gm/gmensdk.*`). */
  gmSign?: Credential;
  gmEnc?: Credential;
}

export interface NodePki {
  name: string;
  /** GM: SM2 signing credential (`gmnode.key/.crt`, node ID source). */
  gmSign?: Credential;
  /** GM: SM2 encryption credential (`gmennode.key/.crt`). */
  gmEnc?: Credential;
  /** secp256k1 credential: `node.key/.crt` in non-GM mode, `origin_cert/` in GM mode. */
  std: Credential;
  /** RSA channel TLS server credential (`channel_cert/`); absent when the chain has no RSA channel. */
  channel?: Credential;
  /** 128 lowercase hex: the ID used in genesis, consensus and console commands. */
  nodeId: string;
}

export interface ChainPki {
  authority: ChainAuthorityPki;
  agencies: AgencyPki[];
  nodes: NodePki[];
}

import * as pulumi from "@pulumi/pulumi";
import type { KeyAlgorithm } from "../crypto/types";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface KeyPairArgs {
  /** `sm2`, `secp256k1` or `rsa2048`. Changing it replaces the key (and so everything it signs). */
  algorithm: pulumi.Input<KeyAlgorithm>;
  /** Take this existing key (PEM, as its file holds it) instead of generating one; kept secret. */
  adoptPrivateKeyPem?: pulumi.Input<string>;
}

export interface KeyPairOutputs {
  algorithm: KeyAlgorithm;
  /** PEM PKCS#8; secret. */
  privateKeyPem: string;
  publicKeyPem: string;
  /** EC keys: the 128-hex public point (a node ID); empty for RSA. */
  publicKeyHex: string;
}

/** A private key made once and kept in state as a secret; diffs never regenerate it. */
export class KeyPair extends dynamicResourceClass<KeyPairArgs, KeyPairOutputs>({
  type: "KeyPair",
  provider: ["infra/providers/key-pair-provider.ts", "keyPairProvider"],
  secretArgs: ["adoptPrivateKeyPem"],
  computed: ["privateKeyPem", "publicKeyPem", "publicKeyHex"],
  secretOutputs: ["privateKeyPem"],
}) {}

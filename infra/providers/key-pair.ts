import * as pulumi from "@pulumi/pulumi";
import type { KeyAlgorithm } from "../crypto/types";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/key-pair-provider.ts", "keyPairProvider");

export interface KeyPairArgs {
  /** `sm2`, `secp256k1` or `rsa2048`. Changing it replaces the key (and so everything it signs). */
  algorithm: pulumi.Input<KeyAlgorithm>;
  /** Take this existing key (PEM, as its file holds it) instead of generating one; kept secret. */
  adoptPrivateKeyPem?: pulumi.Input<string>;
}

/** A private key made once and kept in state as a secret; diffs never regenerate it. */
export class KeyPair extends DynamicResource {
  declare readonly algorithm: pulumi.Output<KeyAlgorithm>;
  /** PEM PKCS#8; secret. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  declare readonly publicKeyPem: pulumi.Output<string>;
  /** EC keys: the 128-hex public point (a node ID); empty for RSA. */
  declare readonly publicKeyHex: pulumi.Output<string>;

  constructor(name: string, args: KeyPairArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        ...(args.adoptPrivateKeyPem === undefined ? {} : { adoptPrivateKeyPem: pulumi.secret(args.adoptPrivateKeyPem) }),
        privateKeyPem: undefined,
        publicKeyPem: undefined,
        publicKeyHex: undefined,
      },
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["privateKeyPem"] }),
      "bcos",
      "KeyPair",
    );
  }
}

import * as pulumi from "@pulumi/pulumi";
import type { PartyBundle } from "../exchange/bundle";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/signed-bundle-provider.ts", "signedBundleProvider");

export interface SignedBundleArgs {
  /** Public material only (checked before signing). */
  content: pulumi.Input<PartyBundle>;
  /** The party's signing key (PEM PKCS#8); passed on as a secret. */
  signingKeyPem: pulumi.Input<string>;
  /** Every private key the party holds (PEM); none may appear in the bundle. Passed on as a secret. */
  heldSecrets: pulumi.Input<pulumi.Input<string>[]>;
  /** `{ dir }` exchange: `<dir>/<party>.bundle`. */
  path?: pulumi.Input<string>;
}

/** This party's signed bundle: its text (public, the `bundle` stack output) and, for a folder exchange, the file. */
export class SignedBundle extends DynamicResource {
  declare readonly text: pulumi.Output<string>;
  declare readonly contentSha256: pulumi.Output<string>;

  constructor(name: string, args: SignedBundleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        signingKeyPem: pulumi.secret(args.signingKeyPem),
        heldSecrets: pulumi.secret(args.heldSecrets),
        party: undefined,
        text: undefined,
        contentSha256: undefined,
        signerSha256: undefined,
        fileSha256: undefined,
      },
      opts,
      "bcos",
      "SignedBundle",
    );
  }
}

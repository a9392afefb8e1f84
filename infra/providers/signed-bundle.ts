import * as pulumi from "@pulumi/pulumi";
import type { PartyBundle } from "../exchange/bundle";
import { dynamicResourceClass } from "./dynamic-resource-class";

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
export class SignedBundle extends dynamicResourceClass<SignedBundleArgs, { text: string; contentSha256: string }>({
  type: "SignedBundle",
  provider: ["infra/providers/signed-bundle-provider.ts", "signedBundleProvider"],
  secretArgs: ["signingKeyPem", "heldSecrets"],
  computed: ["party", "text", "contentSha256", "signerSha256", "fileSha256"],
}) {}

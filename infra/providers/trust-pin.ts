import * as pulumi from "@pulumi/pulumi";
import type { KeyFingerprints } from "../exchange/exchange";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/trust-pin-provider.ts", "trustPinProvider");

export interface TrustPinArgs {
  /** Whose keys: `committee` or an agency name. */
  party: pulumi.Input<string>;
  source: pulumi.Input<string>;
  /** The key fingerprints of the bundle just read (fingerprintsOf, keyFingerprint). */
  fingerprints: pulumi.Input<KeyFingerprints>;
}

/** Another party's keys, pinned on first contact (public; not a secret): see trust-pin-provider.ts. */
export class TrustPin extends DynamicResource {
  declare readonly fingerprints: pulumi.Output<KeyFingerprints>;

  constructor(name: string, args: TrustPinArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, "bcos", "TrustPin");
  }
}

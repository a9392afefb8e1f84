import * as pulumi from "@pulumi/pulumi";
import type { ChainCaFingerprints } from "../exchange/exchange";
import { delegatingProvider } from "./delegating-provider";

const provider = delegatingProvider("infra/providers/trust-pin-provider.ts", "trustPinProvider");

export interface TrustPinArgs {
  source: pulumi.Input<string>;
  /** The chain CA key fingerprints of the committee bundle just read (see fingerprintsOf). */
  fingerprints: pulumi.Input<ChainCaFingerprints>;
}

/** The committee's chain CA keys an agency trusts, pinned on first contact (public; not a secret). */
export class TrustPin extends pulumi.dynamic.Resource {
  declare readonly fingerprints: pulumi.Output<ChainCaFingerprints>;

  constructor(name: string, args: TrustPinArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, "bcos", "TrustPin");
  }
}

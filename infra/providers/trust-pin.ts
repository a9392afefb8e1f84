import * as pulumi from "@pulumi/pulumi";
import type { KeyFingerprints } from "../exchange/exchange";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface TrustPinArgs {
  /** Whose keys: `committee` or an agency name. */
  party: pulumi.Input<string>;
  source: pulumi.Input<string>;
  /** The key fingerprints of the bundle just read (fingerprintsOf, keyFingerprint). */
  fingerprints: pulumi.Input<KeyFingerprints>;
}

/** Another party's keys, pinned on first contact (public; not a secret): see trust-pin-provider.ts. */
export class TrustPin extends dynamicResourceClass<TrustPinArgs, { fingerprints: KeyFingerprints }>({
  type: "TrustPin",
  provider: ["infra/providers/trust-pin-provider.ts", "trustPinProvider"],
}) {}

/**
 * Trust on first use for the committee's chain CA keys, as for SSH host keys: the first verified
 * committee bundle an agency reads records the chain CA key fingerprints in its state; a later
 * bundle on other keys (someone else's bundle on the USB stick, or a committee that moved to a new
 * chain CA key) is refused in preview by `check`, before anything depending on it changes. A
 * renewed chain CA certificate on the same key fits. To trust new keys on purpose, replace the
 * resource (`pulumi up --replace <urn>`) after checking them with the committee.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ChainCaFingerprints } from "../exchange/exchange";

export interface TrustPinInputs {
  /** Where the committee's bundle was read, for messages. */
  source: string;
  fingerprints: ChainCaFingerprints;
}

export type TrustPinOutputs = TrustPinInputs;

const KINDS = [
  ["gm", "GM chain CA (gmca.crt)"],
  ["std", "chain CA (ca.crt)"],
] as const;

/** Why `news` is not the committee pinned in `olds`, or undefined. */
export function pinMismatch(olds: Partial<TrustPinInputs> | undefined, news: TrustPinInputs): string | undefined {
  if (!olds?.fingerprints) return undefined;
  const changed = KINDS.filter(([kind]) => olds.fingerprints![kind] !== news.fingerprints[kind]);
  if (changed.length === 0) return undefined;
  const what = changed.map(([kind, name]) => `${name} key sha256 ${news.fingerprints[kind] ?? "(none)"}, pinned ${olds.fingerprints![kind] ?? "(none)"}`);
  return (
    `${news.source}: is signed by another committee than the one this agency pinned on first contact (${what.join("; ")}); ` +
    `fix: compare the fingerprints with the committee's stack output chainCaFingerprints out of band; if the committee really ` +
    `moved to a new chain CA key, trust it with pulumi up --replace on this TrustPin, otherwise remove the file and ask the committee for its bundle`
  );
}

export const trustPinProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<TrustPinInputs> | undefined, news: TrustPinInputs) {
    const reason = pinMismatch(olds, news);
    return reason ? { failures: [{ property: "fingerprints", reason }] } : { inputs: news };
  },

  /** The pin never follows the inputs: a mismatch is refused in check, and the source path may change freely. */
  async diff() {
    return { changes: false };
  },

  async create(inputs: TrustPinInputs) {
    return { id: `committee-${inputs.fingerprints.gm ?? inputs.fingerprints.std}`.slice(0, 48), outs: inputs };
  },

  async update(_id: string, olds: TrustPinOutputs) {
    return { outs: olds };
  },
};

/**
 * Trust on first use for another party's keys, as for SSH host keys: an agency pins the
 * committee's chain CA keys from the first committee bundle it reads; the committee pins each
 * agency's keys from the first requests it certifies. A later bundle on other keys (someone
 * else's file on the USB stick, or a party that really made new keys) is refused in preview by
 * `check`, before anything depending on it changes. A renewed certificate on the same key fits.
 * To trust new keys on purpose, replace the resource (`pulumi up --replace <urn>`) after checking
 * them with the party.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { KeyFingerprints } from "../exchange/exchange";

export interface TrustPinInputs {
  /** Whose keys: `committee` (its chain CA keys) or an agency (its agency keys). */
  party: string;
  /** Where its bundle was read, for messages. */
  source: string;
  fingerprints: KeyFingerprints;
}

export type TrustPinOutputs = TrustPinInputs;

const KEY_NAMES = {
  committee: { gm: "GM chain CA (gmca.crt) key", std: "chain CA (ca.crt) key" },
  agency: { gm: "GM agency key", std: "agency key" },
};

/** Why `news` is not the committee pinned in `olds`, or undefined. */
export function pinMismatch(olds: Partial<TrustPinInputs> | undefined, news: TrustPinInputs): string | undefined {
  if (!olds?.fingerprints) return undefined;
  const names = KEY_NAMES[news.party === "committee" ? "committee" : "agency"];
  // A key seen for the first time (a GM request added later) is pinned then; a pinned one never changes.
  const changed = (["gm", "std"] as const).filter((kind) => olds.fingerprints![kind] !== undefined && olds.fingerprints![kind] !== news.fingerprints[kind]);
  if (changed.length === 0) return undefined;
  const what = changed.map((kind) => `${names[kind]} sha256 ${news.fingerprints[kind] ?? "(none)"}, pinned ${olds.fingerprints![kind] ?? "(none)"}`);
  const compare =
    news.party === "committee" ? "with the committee's stack output chainCaFingerprints" : `with ${news.party} (its stack output agencyKeyFingerprints)`;
  return (
    `${news.source}: ${news.party}'s keys are not the ones pinned on first contact (${what.join("; ")}); ` +
    `fix: compare the fingerprints ${compare} out of band; if ${news.party} really made new keys, trust them with ` +
    `pulumi up --replace on this TrustPin, otherwise remove the file and ask ${news.party} for its bundle`
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
    return { id: `${inputs.party}-${inputs.fingerprints.gm ?? inputs.fingerprints.std}`.slice(0, 64), outs: inputs };
  },

  async update(_id: string, olds: TrustPinOutputs) {
    return { outs: olds };
  },
};

/**
 * A party whose exchange lacks a bundle it used before (a USB stick carried without that file, a
 * folder cleaned up) must not take down what it built on it.
 * - The committee keeps certifying an agency whose bundle is missing: the certificates it issued
 *   are in its own last bundle, and their keys are the agency's pinned request keys. Dropping
 *   them would delete the certificates and the agency's key pin, and take the certificates out of
 *   the committee's bundle, so the agency would take down everything it built on them.
 * - The committee keeps declaring each genesis its own last bundle carries, whatever the plan
 *   and the agencies' bundles say now: deleting it would make a new block 0.
 * Its own last bundle is `<dir>/committee.bundle`, or (stacks) its own stack's `bundle` output;
 * either is used only once it is shown to be signed on the committee's current chain CA keys.
 * - An agency whose own last bundle carries the committee's agency certificates refuses to run
 *   without the committee's bundle: it could build nothing without it, and would delete its
 *   certificates, channel and SDK keys and its pin of the committee.
 */
import { publicKeyOfCertificate } from "../crypto/adopted-certificate";
import { agencyCertKinds, type CheckedRequests } from "./agency-requests";
import { issuedCertificateName } from "./party-bundles";
import type { BundleGenesis, PartyBundle } from "../exchange/bundle";
import { bundlePath } from "../exchange/dir-source";
import { anchorsOf, type ExchangeSource, fingerprintsOf, type TrustAnchors, verifyPublished } from "../exchange/exchange";
import type { ExchangeSetting } from "./settings";
import type { Model } from "../topology/types";

/**
 * Per agency of the plan that published no bundle now (`present` lacks it), the keys of the
 * certificates the committee's own last bundle `own` issued it, as requests to keep certifying.
 */
export function keptRequests(plan: Model, own: PartyBundle | undefined, present: readonly string[]): CheckedRequests {
  const kept: CheckedRequests = {};
  for (const { name: agency } of plan.agencies) {
    if (!own || present.includes(agency)) continue;
    for (const kind of agencyCertKinds(plan)) {
      const pem = own.certificates[issuedCertificateName(agency, kind)];
      if (pem) (kept[agency] ??= {})[kind] = { agency, kind, ...publicKeyOfCertificate(pem) };
    }
  }
  return kept;
}

/**
 * Throws unless the committee's last bundle `own` (from `source`) was signed on its current chain
 * CA keys `current`: only certificates and genesis the committee made itself are kept.
 */
export function assertOwnBundle(own: PartyBundle, source: string, current: TrustAnchors, exchange: ExchangeSetting["kind"]): void {
  const was = fingerprintsOf(anchorsOf(own));
  const is = fingerprintsOf(current);
  if (was.gm !== is.gm || was.std !== is.std) {
    const fix =
      exchange === "dir"
        ? "remove the file and run pulumi up again"
        : "restore the stack's chain CA keys (chain-ca-key, chain-gmca-key) from a backup of its state; to start a new chain instead, remove the stack's bundle output (pulumi stack export, edit, pulumi stack import) and run pulumi up again";
    throw new Error(
      `${source}: is not this committee's bundle (its chain CA keys are not the committee's), so the agency certificates and group genesis in it are not kept; fix: ${fix}`,
    );
  }
}

/** The genesis the committee's last bundle `own` froze, once it is shown to be the committee's own (assertOwnBundle). */
export function keptGenesis(own: PartyBundle | undefined, source: string, current: TrustAnchors, exchange: ExchangeSetting["kind"]): BundleGenesis[] {
  if (!own) return [];
  assertOwnBundle(own, source, current, exchange);
  return own.genesis;
}

/**
 * Refuses, naming the file and the fix, to run agency `agency` without the committee's bundle
 * once it has been certified (its own last bundle in the folder carries agency certificates).
 * With a `{ stacks }` exchange a missing committee is a stack without output, and nothing is read.
 */
export async function assertCommitteeBundleKept(source: ExchangeSource, setting: ExchangeSetting, agency: string, plan: Model): Promise<void> {
  if (setting.kind !== "dir") return;
  const published = await source.fetch(agency);
  const own = published && verifyPublished(published, agency, plan);
  if (!own || Object.keys(own.certificates).length === 0) return;
  throw new Error(
    `${agency}: ${bundlePath(setting.dir, "committee")} is missing, but ${agency} was certified by the committee already (its own bundle carries its agency certificates); without the committee's bundle it would take down its certificates, keys and package; fix: copy the committee's bundle into the folder again and run pulumi up`,
  );
}

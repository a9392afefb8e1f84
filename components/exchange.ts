/**
 * The exchange a party stack uses (`bcos:exchange`): reading the other parties' bundles and
 * publishing its own, with the same verification for both kinds.
 * - `{ dir }`: `<dir>/<party>.bundle` files, read at program time; this party's file is a
 *   SignedBundle resource that writes it.
 * - `{ stacks }`: a StackReference per other party, reading only its non-secret `bundle` output;
 *   this party's bundle is the SignedBundle's text, exported by the program as `bundle`.
 * Trust (which keys sign, how a reader learns them) is described in infra/exchange/exchange.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PartyBundle } from "../infra/exchange/bundle";
import { bundlePath, dirSource } from "../infra/exchange/dir-source";
import {
  anchorsOf,
  type ExchangeSource,
  fingerprintsOf,
  type Published,
  type TrustAnchors,
  verifyPublished,
  type KeyFingerprints,
} from "../infra/exchange/exchange";
import { type ExchangeSetting, stackNameOf } from "../infra/party/settings";
import { type Wait, type WaitingFor, waitingFor, waitingLine } from "../infra/party/waiting";
import { SignedBundle } from "../infra/providers/signed-bundle";
import { TrustPin } from "../infra/providers/trust-pin";
import type { Model } from "../infra/topology/types";

/** The stack output a `{ stacks }` exchange reads from every party. */
export const BUNDLE_OUTPUT = "bundle";

export interface PublishArgs {
  /** Public material only; checked (and refused naming what) before signing. */
  content: pulumi.Input<PartyBundle>;
  /** The key the bundle rules name: the committee's GM chain CA key, an agency's GM agency key (standard ones on a non-GM chain). */
  signingKeyPem: pulumi.Input<string>;
  /** Every private key the party holds: none may appear in the bundle. */
  heldSecrets: pulumi.Input<pulumi.Input<string>[]>;
}

export interface Exchange {
  readonly setting: ExchangeSetting;
  readonly source: ExchangeSource;
  /** This party's bundle: the `<dir>/<me>.bundle` file, or (stacks) a text the program exports as `bundle`. */
  publish(me: string, args: PublishArgs, opts?: pulumi.CustomResourceOptions): SignedBundle;
}

/** A verified bundle with where it came from (to verify it again against trust anchors). */
export interface ReadBundle {
  published: Published;
  bundle: PartyBundle;
}

export function openExchange(setting: ExchangeSetting, opts?: pulumi.ComponentResourceOptions): Exchange {
  const source = setting.kind === "dir" ? dirSource(setting.dir) : stacksSource(setting.pattern, opts);
  return {
    setting,
    source,
    publish: (me, args, resourceOpts) =>
      new SignedBundle(`${me}-bundle`, { ...args, ...(setting.kind === "dir" ? { path: bundlePath(setting.dir, me) } : {}) }, resourceOpts),
  };
}

/** `{ stacks }`: one StackReference per party read, its `bundle` output only; a secret one is refused. */
export function stacksSource(pattern: string, opts?: pulumi.CustomResourceOptions): ExchangeSource {
  const refs = new Map<string, pulumi.StackReference>();
  return {
    async fetch(party: string): Promise<Published | undefined> {
      const name = stackNameOf({ pattern }, party);
      let ref = refs.get(party);
      if (!ref) {
        ref = new pulumi.StackReference(`party-${party}`, { name }, opts);
        refs.set(party, ref);
      }
      const source = `stack ${name} output ${BUNDLE_OUTPUT}`;
      const details = await ref.getOutputDetails(BUNDLE_OUTPUT);
      if (details.secretValue !== undefined) {
        throw new Error(`${source}: is a secret, and a bundle is public material read as such; fix: ${party} must export its bundle text as a plain output`);
      }
      if (details.value === undefined || details.value === null) return undefined;
      if (typeof details.value !== "string")
        throw new Error(`${source}: is not a bundle text; fix: ${party} must export its SignedBundle's text as ${BUNDLE_OUTPUT}`);
      return { source, text: details.value };
    },
  };
}

/** Each party's bundle, verified (signature, subject, requests against the plan); absent parties are left out. */
export async function readParties(source: ExchangeSource, parties: readonly string[], plan: Model): Promise<Record<string, ReadBundle>> {
  const read: Record<string, ReadBundle> = {};
  for (const party of parties) {
    const published = await source.fetch(party);
    if (published) read[party] = { published, bundle: verifyPublished(published, party, plan) };
  }
  return read;
}

/** The bundle verified again with the agency certificate checked against `anchors` (the chain CA the reader trusts). */
export function anchoredTo(read: ReadBundle, plan: Model, anchors: pulumi.Input<TrustAnchors>): pulumi.Output<PartyBundle> {
  return pulumi.output(anchors).apply((a) => verifyPublished(read.published, read.bundle.party, plan, a));
}

export interface PinnedCommittee {
  pin: TrustPin;
  /** The committee's bundle, known only once the pin has accepted it: use this (not the plain read) for resource inputs. */
  bundle: pulumi.Output<PartyBundle>;
  /** The chain CA certificates, for checking other agencies' certificates. */
  anchors: pulumi.Output<TrustAnchors>;
}

/** An agency's trust in the committee: the chain CA keys pinned on first contact (see TrustPin). */
export function pinCommittee(read: ReadBundle, opts?: pulumi.CustomResourceOptions): PinnedCommittee {
  const seen = fingerprintsOf(anchorsOf(read.bundle));
  const pin = new TrustPin("committee-trust", { party: "committee", source: read.published.source, fingerprints: seen }, opts);
  const bundle = pin.fingerprints.apply((pinned: KeyFingerprints) => {
    // The engine refuses a mismatch in check; this guards a run whose pin was just replaced or faked in state.
    if (pinned.gm !== seen.gm || pinned.std !== seen.std) throw new Error(`${read.published.source}: the committee's chain CA keys are not the pinned ones`);
    return read.bundle;
  });
  return { pin, bundle, anchors: bundle.apply(anchorsOf) };
}

/**
 * The stack output `waitingFor`, logging the one line when there is something to wait for.
 * `log` defaults to pulumi.log.info (shown by preview and up).
 */
export function reportWaiting(
  party: string,
  waits: pulumi.Input<Wait[]>,
  log: (line: string) => void = (line) => void pulumi.log.info(line),
): pulumi.Output<WaitingFor> {
  return pulumi.output(waits).apply((w) => {
    const line = waitingLine(party, w as Wait[]);
    if (line) log(line);
    return waitingFor(w as Wait[]);
  });
}

/**
 * How the parties of a consortium see each other's public material (`bcos:exchange`), as the
 * party programs use it: fetch another party's published bundle text, verify it, and learn which
 * keys to trust.
 *
 * Trust, in the order a party learns it:
 * - The committee's bundle is signed with its GM chain CA key (standard chain CA key on a non-GM
 *   chain) and carries that CA's self-signed certificate. An agency pins the chain CA's public
 *   keys on first contact (TrustPin, kept in its state) and refuses a committee bundle on other
 *   keys afterwards; a renewed chain CA certificate on the same key still fits. The committee's
 *   stack output `chainCaFingerprints` lets the agency compare the pin out of band.
 * - An agency's bundle is signed with its GM agency key (standard agency key on a non-GM chain).
 *   Once certified, the bundle carries the agency certificate, which the reader checks was issued
 *   by the chain CA it trusts (the committee: its own; an agency: the pinned committee's). Before
 *   that, it carries its CSRs and is signed with the key the GM CSR carries; the reader checks
 *   the request against the approved plan (subject, key type, its own signature). The committee
 *   pins the keys of the requests it certifies (TrustPin per agency): a later request on other
 *   keys (a bundle swapped on the USB stick) is refused until it is confirmed and the pin replaced.
 */
import { createHash } from "node:crypto";
import { publicKeyOfCertificate } from "../crypto/adopted-certificate";
import type { Model } from "../topology/types";
import { CERT, type PartyBundle, readBundle } from "./bundle";

/** One party's bundle as published, before it is verified. */
export interface Published {
  /** Where it came from, for messages: the file path, or `stack acme/bcos/agencyD output bundle`. */
  source: string;
  text: string;
}

/** Reads what the other parties published: a folder of `<party>.bundle` files, or their stacks' `bundle` outputs. */
export interface ExchangeSource {
  /** Undefined when the party has not published yet. */
  fetch(party: string): Promise<Published | undefined>;
}

/** The chain CA certificates (PEM) a reader checks agency certificates against. */
export interface TrustAnchors {
  gm?: string;
  std?: string;
}

/** A party's pinned keys, GM and standard: sha256 of each SubjectPublicKeyInfo (PEM text), hex. */
export interface KeyFingerprints {
  gm?: string;
  std?: string;
}

/** `published`, verified as `party`'s bundle; throws `<source>: <why>; fix: …`. */
export function verifyPublished(published: Published, party: string, plan: Model, anchors?: TrustAnchors): PartyBundle {
  return readBundle(published.text, published.source, { party, plan, chainCa: anchors });
}

/** The chain CA certificates a (verified) committee bundle carries. */
export function anchorsOf(committee: PartyBundle): TrustAnchors {
  return { gm: committee.certificates[CERT.gmChainCa], std: committee.certificates[CERT.chainCa] };
}

/** What an agency pins of the committee: the chain CA keys, so a renewed certificate on the same key still fits. */
export function fingerprintsOf(anchors: TrustAnchors): KeyFingerprints {
  const of = (pem: string | undefined) => (pem ? keyFingerprint(publicKeyOfCertificate(pem).publicKeyPem) : undefined);
  return { gm: of(anchors.gm), std: of(anchors.std) };
}

export function keyFingerprint(publicKeyPem: string): string {
  return createHash("sha256").update(publicKeyPem).digest("hex");
}

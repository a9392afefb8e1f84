/**
 * Every certificate of the consortium with when it expires, for the stack output `certificates`:
 * what an operator checks to see which renewals are coming (README, "Certificates: expiry,
 * renewal, revocation").
 */
import * as pulumi from "@pulumi/pulumi";
import { now } from "../infra/clock";
import { daysLeft } from "../infra/crypto/expiry";
import type { Agency } from "./agency";
import type { ChainAuthority } from "./chain-authority";
import type { CredentialOutputs } from "./credential";
import type { Node } from "./node";

export interface CertificateExpiry {
  /** ISO date-time the certificate stops being valid. */
  notAfter: string;
  /** Whole days from this run to notAfter; negative once expired. */
  daysLeft: number;
}

/** Per owner, per certificate (named as below). */
export interface CertificateSummaries {
  /** `ca` (ca.crt) and, on a GM chain, `gmca` (gmca.crt). */
  chain: Record<string, CertificateExpiry>;
  /** Per agency: `ca`, `gmca`, `channelCa` (RSA channel only), `sdk`, `gmSdk`, `gmEnSdk`. */
  agencies: Record<string, Record<string, CertificateExpiry>>;
  /** Per node: `gmSign`, `gmEnc`, `origin` (GM) or `node` (non-GM), `channel` (RSA channel only). */
  nodes: Record<string, Record<string, CertificateExpiry>>;
}

type Named = Record<string, CredentialOutputs | undefined>;

function expiries(credentials: Named, at: Date): pulumi.Output<Record<string, CertificateExpiry>> {
  const present = Object.entries(credentials).filter((entry): entry is [string, CredentialOutputs] => entry[1] !== undefined);
  return pulumi
    .all(present.map(([, c]) => c.notAfter))
    .apply((dates) => Object.fromEntries(present.map(([name], i) => [name, { notAfter: dates[i], daysLeft: daysLeft(dates[i], at) }])));
}

export function certificateSummaries(
  authority: ChainAuthority,
  agencies: Record<string, Agency>,
  nodes: Record<string, Node>,
): pulumi.Output<CertificateSummaries> {
  // One "now" for the whole run (BCOS_NOW in tests), as the providers use.
  const at = now();
  const perOwner = <T>(owners: Record<string, T>, named: (owner: T) => Named) =>
    pulumi.output(Object.fromEntries(Object.entries(owners).map(([name, owner]) => [name, expiries(named(owner), at)])));
  return pulumi.output({
    chain: expiries({ ca: authority.std, gmca: authority.gm }, at),
    agencies: perOwner(agencies, (a) => ({
      ca: a.std,
      gmca: a.gm,
      channelCa: a.channelCa,
      sdk: a.sdkChannel ?? a.sdkStd,
      gmSdk: a.sdkGmSign,
      gmEnSdk: a.sdkGmEnc,
    })),
    nodes: perOwner(nodes, (n) => ({ gmSign: n.gmSign, gmEnc: n.gmEnc, [n.gmSign ? "origin" : "node"]: n.std, channel: n.channel })),
  });
}

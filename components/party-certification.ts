/**
 * The committee's side of the agencies' certificate requests: each request an agency published
 * is checked against the approved plan (agency, key type, subject, signature) at program time,
 * before anything is registered (infra/party/agency-requests.ts), and certified by a Certificate resource on the request's key.
 * The Certificate provider keeps it across runs (re-issued only when the key changes or it nears
 * expiry, as in the single-stack path), so the agency's certificate does not change each run.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgencyCertKind } from "../infra/crypto/csr";
import type { ProfileName } from "../infra/crypto/profiles";
import type { CheckedRequests } from "../infra/party/agency-requests";
import { keyFingerprint } from "../infra/exchange/exchange";
import { Certificate } from "../infra/providers/certificate";
import { TrustPin } from "../infra/providers/trust-pin";
import type { CredentialOutputs, Validity } from "./credential";

export interface CertifyAgenciesArgs {
  /** The agencies' requests, checked against the approved plan (checkAgencyRequests, before anything is registered). */
  requests: CheckedRequests;
  /** Where each agency's bundle was read (file or stack output), for the pin's messages. */
  sources: Record<string, string>;
  /** The committee's chain CAs (ChainAuthority's std and gm). */
  authority: { std: CredentialOutputs; gm?: CredentialOutputs };
  validity: Validity;
  /** Per agency, an output its certificates wait for (a check that throws stops them before they are issued). */
  confirmed?: Record<string, pulumi.Output<unknown>>;
}

/** Per agency, the certificates issued for its requests (PEM outputs); an agency with no request yet has none. */
export type IssuedAgencyCertificates = Record<string, { gm?: pulumi.Output<string>; std?: pulumi.Output<string> }>;

const PROFILE: Record<AgencyCertKind, { profile: ProfileName; suffix: string }> = {
  gm: { profile: "gmAgencyCa", suffix: "gmagency" },
  std: { profile: "agencyCa", suffix: "agency" },
};

/**
 * `<agency>-gmagency-cert` / `<agency>-agency-cert` on each checked request's key, once the
 * request's keys pass `<agency>-key-pin` (the keys of the first requests certified: a request on
 * other keys, e.g. a bundle swapped in the folder, is refused in preview).
 */
export function certifyAgencies(args: CertifyAgenciesArgs, parent?: pulumi.Resource): IssuedAgencyCertificates {
  const { authority, validity } = args;
  const issued: IssuedAgencyCertificates = {};
  for (const [agency, byKind] of Object.entries(args.requests)) {
    if (byKind.gm && !authority.gm) throw new Error(`committee: ${agency} sent a GM request, but no GM chain CA was given`);
    const fingerprints = { gm: byKind.gm && keyFingerprint(byKind.gm.publicKeyPem), std: byKind.std && keyFingerprint(byKind.std.publicKeyPem) };
    const pin = new TrustPin(`${agency}-key-pin`, { party: agency, source: args.sources[agency] ?? agency, fingerprints }, { parent });
    for (const kind of ["gm", "std"] as const) {
      const request = byKind[kind];
      if (!request) continue;
      const issuer = kind === "gm" ? authority.gm! : authority.std;
      // Named as the single-stack Agency's certificate, so the committee's state reads the same.
      const cert = new Certificate(
        `${agency}-${PROFILE[kind].suffix}-cert`,
        {
          profile: PROFILE[kind].profile,
          subjectName: agency,
          subjectPublicKeyPem: pulumi.all([pin.fingerprints, args.confirmed?.[agency]]).apply(() => request.publicKeyPem),
          issuerCertPem: issuer.certPem,
          issuerPrivateKeyPem: issuer.privateKeyPem,
          validityDays: validity.validityDays,
          renewBeforeDays: validity.renewBeforeDays,
        },
        { parent },
      );
      (issued[agency] ??= {})[kind] = cert.certPem;
    }
  }
  return issued;
}

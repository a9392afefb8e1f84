/**
 * The committee's side of the agencies' certificate requests: each request an agency published
 * is checked against the approved plan (agency, key type, subject, signature) at program time,
 * before anything is registered (infra/party/agency-requests.ts), and certified by a Certificate resource on the request's key.
 * The Certificate provider keeps it across runs (re-issued only when the key changes or it nears
 * expiry, as in the single-stack path), so the agency's certificate does not change each run.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AgencyCertKind } from "../infra/crypto/csr";
import type { ProfileName } from "../infra/crypto/profiles";
import type { CheckedRequests } from "../infra/party/agency-requests";
import { Certificate } from "../infra/providers/certificate";
import type { CredentialOutputs, Validity } from "./credential";

export interface CertifyAgenciesArgs {
  /** The agencies' requests, checked against the approved plan (checkAgencyRequests, before anything is registered). */
  requests: CheckedRequests;
  /** The committee's chain CAs (ChainAuthority's std and gm). */
  authority: { std: CredentialOutputs; gm?: CredentialOutputs };
  validity: Validity;
}

/** Per agency, the certificates issued for its requests (PEM outputs); an agency with no request yet has none. */
export type IssuedAgencyCertificates = Record<string, { gm?: pulumi.Output<string>; std?: pulumi.Output<string> }>;

const PROFILE: Record<AgencyCertKind, { profile: ProfileName; suffix: string }> = {
  gm: { profile: "gmAgencyCa", suffix: "gmagency" },
  std: { profile: "agencyCa", suffix: "agency" },
};

/** `<agency>-gmagency-cert` / `<agency>-agency-cert` on each checked request's key. */
export function certifyAgencies(args: CertifyAgenciesArgs, parent?: pulumi.Resource): IssuedAgencyCertificates {
  const { authority, validity } = args;
  const issued: IssuedAgencyCertificates = {};
  for (const [agency, byKind] of Object.entries(args.requests)) {
    for (const kind of ["gm", "std"] as const) {
      const request = byKind[kind];
      if (!request) continue;
      const issuer = kind === "gm" ? authority.gm : authority.std;
      if (!issuer) throw new Error(`committee: ${agency} sent a GM request, but no GM chain CA was given`);
      // Named as the single-stack Agency's certificate, so the committee's state reads the same.
      const cert = new Certificate(
        `${agency}-${PROFILE[kind].suffix}-cert`,
        {
          profile: PROFILE[kind].profile,
          subjectName: agency,
          subjectPublicKeyPem: request.publicKeyPem,
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

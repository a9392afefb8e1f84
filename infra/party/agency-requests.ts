/**
 * The committee's check of every request the agencies published, against its approved plan,
 * before anything is registered: one refused request stops the run with the CSR check's message
 * (agency, what is wrong, the fix), so nothing changes.
 */
import { type AgencyCertKind, checkAgencyCsr, type VerifiedAgencyCsr } from "../crypto/csr";
import type { PartyBundle } from "../exchange/bundle";
import type { Model } from "../topology/types";

/** Per agency that published requests, the checked ones by kind. */
export type CheckedRequests = Record<string, Partial<Record<AgencyCertKind, VerifiedAgencyCsr>>>;

/** The kinds of agency certificate the plan's chain has: GM and standard on a GM chain, standard otherwise. */
export function agencyCertKinds(plan: Model): AgencyCertKind[] {
  return plan.chain.smCrypto ? ["gm", "std"] : ["std"];
}

export function checkAgencyRequests(plan: Model, agencies: Record<string, PartyBundle | undefined>): CheckedRequests {
  const checked: CheckedRequests = {};
  for (const agency of plan.agencies) {
    const csrs = agencies[agency.name]?.csrs ?? {};
    for (const kind of agencyCertKinds(plan)) {
      const pem = csrs[kind];
      if (pem) (checked[agency.name] ??= {})[kind] = checkAgencyCsr(pem, { agency: agency.name, kind, plan });
    }
  }
  return checked;
}

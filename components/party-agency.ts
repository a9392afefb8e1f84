/**
 * An agency's side of certification: its agency key pairs (made once, kept in its own state),
 * the requests made from them (AgencyCsr, stable across runs) and its agency certificates read
 * back from the committee's bundle once issued on those keys.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PartyBundle } from "../infra/exchange/bundle";
import { type AgencyCertificatePems, issuedCertificates } from "../infra/party/party-bundles";
import { AgencyCsr } from "../infra/providers/agency-csr";
import { KeyPair } from "../infra/providers/key-pair";

export interface AgencyRequests {
  /** The secp256k1 agency key (`agency.key`) and, on a GM chain, the SM2 one (`gmagency.key`). */
  keys: { std: KeyPair; gm?: KeyPair };
  csrs: { std: pulumi.Output<string>; gm?: pulumi.Output<string> };
  /** The key that signs this agency's bundle: GM on a GM chain (before and after certification alike). */
  signingKeyPem: pulumi.Output<string>;
}

/** `<agency>-agency-key`/`<agency>-gmagency-key` and a request for each (`<agency>-agency-csr`, `<agency>-gmagency-csr`). */
export function agencyRequests(agency: string, smCrypto: boolean, parent?: pulumi.Resource): AgencyRequests {
  const std = new KeyPair(`${agency}-agency-key`, { algorithm: "secp256k1" }, { parent });
  const gm = smCrypto ? new KeyPair(`${agency}-gmagency-key`, { algorithm: "sm2" }, { parent }) : undefined;
  const csr = (key: KeyPair, kind: "gm" | "std", suffix: string) =>
    new AgencyCsr(`${agency}-${suffix}-csr`, { agency, kind, privateKeyPem: key.privateKeyPem }, { parent }).csrPem;
  return {
    keys: { std, gm },
    csrs: { std: csr(std, "std", "agency"), ...(gm ? { gm: csr(gm, "gm", "gmagency") } : {}) },
    signingKeyPem: pulumi.secret((gm ?? std).privateKeyPem),
  };
}

/** The agency's certificates in the (pinned) committee bundle, each only if it certifies the agency's current key. */
export function certificatesFromCommittee(
  committee: pulumi.Input<PartyBundle | undefined>,
  agency: string,
  keys: AgencyRequests["keys"],
): pulumi.Output<AgencyCertificatePems> {
  return pulumi
    .all([committee, keys.std.publicKeyPem, keys.gm ? keys.gm.publicKeyPem : pulumi.output(undefined)])
    .apply(([bundle, std, gm]) => issuedCertificates(bundle, agency, { std, gm }));
}

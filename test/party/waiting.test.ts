/** What a party waits for and from whom, and how it is reported (pure). */
import { describe, expect, it } from "vitest";
import { createChainAuthority } from "../../infra/crypto/chain-pki";
import { checkAgencyCsr, createAgencyCsr, issueAgencyCertificate } from "../../infra/crypto/csr";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import type { PartyBundle } from "../../infra/exchange/bundle";
import { agencyBundleContent, committeeBundleContent, issuedCertificates } from "../../infra/party/party-bundles";
import { agencyWaits, committeeWaits, waitingFor, waitingLine } from "../../infra/party/waiting";
import { validateTopology } from "../../infra/topology/validate";

const node = (i: number) => ({ host: "server", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i });
const PLAN = validateTopology({
  chain: { id: 1, smCrypto: true },
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyB: { nodes: { node3: node(3) } }, agencyC: { nodes: { node4: node(4) } }, agencyD: { nodes: { node5: node(5) } } },
  groups: {
    2: { consensus: "raft", sealers: ["node3", "node4"], timestamp: 1700000000000 },
    3: { consensus: "pbft", sealers: ["node3", "node5"], timestamp: 1700000000000 },
  },
});
const ID = (n: number) => String(n).repeat(128).slice(0, 128);
const validity = { validityDays: 365, notBefore: new Date("2026-01-01T00:00:00Z") };

function agency(name: string, nodeIds: Record<string, string>, csrs = true): PartyBundle {
  const c = csrs ? { gm: "-----BEGIN CERTIFICATE REQUEST-----", std: "-----BEGIN CERTIFICATE REQUEST-----" } : {};
  return agencyBundleContent({ plan: PLAN, agency: name, csrs: c, certificates: {}, nodeIds });
}

describe("committeeWaits", () => {
  it("names each agency's missing bundle or request, and the sealers' IDs for a genesis not yet made", () => {
    const waits = committeeWaits(PLAN, { agencyB: agency("agencyB", {}), agencyC: agency("agencyC", { node4: ID(4) }, false) }, [2]);
    expect(waits).toEqual([
      { from: "agencyC", what: "GM certificate request" },
      { from: "agencyC", what: "certificate request" },
      { from: "agencyD", what: "its bundle (certificate requests, node IDs)" },
      { from: "agencyB", what: "node ID of node3 (sealer of group 3)" },
    ]);
    expect(waitingLine("committee", waits)).toBe(
      "committee is waiting for agencyC: GM certificate request, certificate request; agencyD: its bundle (certificate requests, node IDs); " +
        "agencyB: node ID of node3 (sealer of group 3) (it made what it could; run pulumi up again after they publish)",
    );
    expect(waitingFor(waits)).toEqual({
      agencyC: ["GM certificate request", "certificate request"],
      agencyD: ["its bundle (certificate requests, node IDs)"],
      agencyB: ["node ID of node3 (sealer of group 3)"],
    });
    expect(waitingLine("committee", [])).toBeUndefined();
  });
});

describe("agencyWaits and the certificates an agency takes back", () => {
  const ca = createChainAuthority(true, validity);
  const gm = generateEcKeyPair("sm2");
  const std = generateEcKeyPair("secp256k1");
  const issue = (kind: "gm" | "std", key = kind === "gm" ? gm : std) =>
    issueAgencyCertificate(
      checkAgencyCsr(createAgencyCsr("agencyD", kind, key), { agency: "agencyD", kind, plan: PLAN }),
      kind === "gm" ? ca.gm! : ca.std,
      validity,
    );
  const committee = (issued: { gm?: string; std?: string }, genesis = [3]) =>
    committeeBundleContent({
      plan: PLAN,
      chainCa: { gm: ca.gm!.certPem, std: ca.std.certPem },
      issued: { agencyD: issued },
      genesis: genesis.map((g) => ({ groupId: g, timestamp: 1700000000000, sealerIds: [] })),
    });

  it("waits for the committee's bundle first, then its certificates, the genesis of its groups and its group peers' IDs", () => {
    expect(agencyWaits(PLAN, "agencyD", undefined, {})).toEqual([{ from: "committee", what: "its bundle (chain CA, agency certificates, genesis)" }]);
    expect(waitingLine("agencyD", agencyWaits(PLAN, "agencyD", committee({ std: issue("std") }, []), {}))).toBe(
      "agencyD is waiting for committee: GM agency certificate for agencyD, genesis of group 3; agencyB: node ID of node3 (it made what it could; run pulumi up again after they publish)",
    );
    expect(agencyWaits(PLAN, "agencyD", committee({ gm: issue("gm"), std: issue("std") }), { agencyB: agency("agencyB", { node3: ID(3) }) })).toEqual([]);
  });

  it("takes back only certificates on its current keys", () => {
    const current = { gm: gm.publicKeyPem, std: std.publicKeyPem };
    const gmCert = issue("gm");
    expect(issuedCertificates(committee({ gm: gmCert, std: issue("std", generateEcKeyPair("secp256k1")) }), "agencyD", current)).toEqual({ gm: gmCert });
    expect(issuedCertificates(undefined, "agencyD", current)).toEqual({});
  });
});

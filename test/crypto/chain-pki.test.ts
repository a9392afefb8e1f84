import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChainPki, createChainAuthority } from "../../infra/crypto/chain-pki";
import { nodeIdFromCertificate, nodeIdFromPrivateKey } from "../../infra/crypto/node-id";
import type { ChainPki, Credential } from "../../infra/crypto/types";
import type { Model } from "../../infra/topology/types";
import { Scratch, verifyLink } from "./openssl-harness";

function testModel(smCrypto: boolean): Model {
  const agencies = [
    { name: "agencyA", nodes: ["node0", "node1"] },
    { name: "agencyB", nodes: ["node2"] },
  ];
  return {
    chain: { id: 1, smCrypto, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
    hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/fisco" }],
    agencies,
    nodes: agencies.flatMap((a) =>
      a.nodes.map((name, i) => ({ name, agency: a.name, host: "local", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i })),
    ),
    groups: [],
  };
}

/** The public point openssl itself reads from a key file (`ec -text` pub: dump without the 04). */
function opensslNodeId(s: Scratch, keyPem: string): string {
  const text = s.must("ec", "-text", "-noout", "-in", s.file("id.key", keyPem));
  const pub = /pub:\n([\s0-9a-f:]+)/.exec(text)![1].replace(/[\s:]/g, "");
  expect(pub).toMatch(/^04[0-9a-f]{128}$/);
  return pub.slice(2);
}

function expectKeyMatchesCert(s: Scratch, credential: Credential): void {
  const fromKey = s.must("pkey", "-pubout", "-in", s.file("pair.key", credential.key.privateKeyPem));
  const fromCert = s.must("x509", "-noout", "-pubkey", "-in", s.file("pair.crt", credential.certPem));
  expect(fromCert).toBe(fromKey);
  expect(fromKey).toBe(credential.key.publicKeyPem);
}

function expectLinkOk(s: Scratch, cert: string, issuer: string, sm2 = false): void {
  const result = verifyLink(s, cert, issuer, sm2);
  expect(result.output).toContain(": OK");
  expect(result.ok).toBe(true);
}

describe("buildChainPki, GM chain", () => {
  const s = new Scratch();
  const now = new Date("2025-03-01T08:00:00Z");
  let pki: ChainPki;
  beforeAll(async () => {
    pki = await buildChainPki(testModel(true), { now });
  });
  afterAll(() => s.remove());

  it("has every credential build_chain -g makes", () => {
    expect(pki.authority.gm).toBeDefined();
    expect(pki.agencies.map((a) => a.name)).toEqual(["agencyA", "agencyB"]);
    for (const agency of pki.agencies) {
      expect(agency.gm && agency.sdk.gmSign && agency.sdk.gmEnc).toBeTruthy();
    }
    expect(pki.nodes.map((n) => n.name)).toEqual(["node0", "node1", "node2"]);
    for (const node of pki.nodes) {
      expect(node.gmSign && node.gmEnc).toBeTruthy();
      expect(node.gmSign!.key.algorithm).toBe("sm2");
      expect(node.std.key.algorithm).toBe("secp256k1");
      expect(node.channel!.key.algorithm).toBe("rsa2048");
    }
  });

  it("GM chain gmca -> gmagency -> gmnode/gmennode/gmsdk/gmensdk verifies link by link with FISCO's SM2 ID", () => {
    const gmca = pki.authority.gm!.certPem;
    expectLinkOk(s, gmca, gmca, true);
    for (const agency of pki.agencies) {
      expectLinkOk(s, agency.gm!.certPem, gmca, true);
      expectLinkOk(s, agency.sdk.gmSign!.certPem, agency.gm!.certPem, true);
      expectLinkOk(s, agency.sdk.gmEnc!.certPem, agency.gm!.certPem, true);
    }
    const model = testModel(true);
    for (const node of pki.nodes) {
      const agencyName = model.nodes.find((n) => n.name === node.name)!.agency;
      const agency = pki.agencies.find((a) => a.name === agencyName)!;
      expectLinkOk(s, node.gmSign!.certPem, agency.gm!.certPem, true);
      expectLinkOk(s, node.gmEnc!.certPem, agency.gm!.certPem, true);
    }
  });

  it("SM2 links fail without the default ID and under the wrong agency", () => {
    const [a, b] = pki.agencies;
    const noId = verifyLink(s, a.gm!.certPem, pki.authority.gm!.certPem, false);
    expect(noId.ok).toBe(false);
    expect(noId.output).toMatch(/signature failure/i);
    const wrongIssuer = verifyLink(s, pki.nodes[0].gmSign!.certPem, b.gm!.certPem, true);
    expect(wrongIssuer.ok).toBe(false);
  });

  it("standard chain ca -> agency -> node (GM origin_cert set) verifies, also as one chain", () => {
    const ca = pki.authority.std.certPem;
    expectLinkOk(s, ca, ca);
    const agencyA = pki.agencies[0];
    expectLinkOk(s, agencyA.std.certPem, ca);
    expectLinkOk(s, pki.nodes[0].std.certPem, agencyA.std.certPem);
    const full = s.run(
      "verify",
      "-CAfile",
      s.file("ca.crt", ca),
      "-untrusted",
      s.file("agency.crt", agencyA.std.certPem),
      s.file("node.crt", pki.nodes[1].std.certPem),
    );
    expect(full.output).toContain("node.crt: OK");
  });

  it("RSA channel certs verify against their agency's channel CA only", () => {
    const [a, b] = pki.agencies;
    expectLinkOk(s, a.channelCa!.certPem, a.channelCa!.certPem);
    expectLinkOk(s, a.sdk.channel!.certPem, a.channelCa!.certPem);
    expectLinkOk(s, pki.nodes[0].channel!.certPem, a.channelCa!.certPem);
    expectLinkOk(s, pki.nodes[2].channel!.certPem, b.channelCa!.certPem);
    expect(verifyLink(s, pki.nodes[2].channel!.certPem, a.channelCa!.certPem).ok).toBe(false);
  });

  it("an agency's nodes share one channel key but each has its own channel certificate", () => {
    const [n0, n1, n2] = pki.nodes;
    expect(n0.channel!.key).toEqual(n1.channel!.key);
    expect(n0.channel!.certPem).not.toBe(n1.channel!.certPem);
    expect(n2.channel!.key.privateKeyPem).not.toBe(n0.channel!.key.privateKeyPem);
    const keys = pki.agencies.flatMap((a) => [a.channelCa!.key.privateKeyPem, a.sdk.channel!.key.privateKeyPem]);
    expect(new Set([...keys, n0.channel!.key.privateKeyPem, n2.channel!.key.privateKeyPem]).size).toBe(6);
  });

  it("every key matches its certificate (openssl pkey -pubout vs x509 -pubkey)", () => {
    const credentials: Credential[] = [pki.authority.std, pki.authority.gm!];
    for (const a of pki.agencies) credentials.push(a.std, a.gm!, a.channelCa!, a.sdk.channel!, a.sdk.gmSign!, a.sdk.gmEnc!);
    for (const n of pki.nodes) credentials.push(n.std, n.gmSign!, n.gmEnc!, n.channel!);
    for (const c of credentials) expectKeyMatchesCert(s, c);
  });

  it("node ID is the SM2 signing key's public point, as openssl ec -text shows it", () => {
    for (const node of pki.nodes) {
      expect(node.nodeId).toMatch(/^[0-9a-f]{128}$/);
      expect(node.nodeId).toBe(opensslNodeId(s, node.gmSign!.key.privateKeyPem));
      expect(nodeIdFromPrivateKey(node.gmSign!.key.privateKeyPem)).toBe(node.nodeId);
      expect(nodeIdFromCertificate(node.gmSign!.certPem)).toBe(node.nodeId);
    }
  });

  it("uses the injected time as notBefore and certValidityDays for notAfter", () => {
    const dates = s.must("x509", "-noout", "-startdate", "-enddate", "-in", s.file("dates.crt", pki.nodes[0].gmSign!.certPem));
    expect(dates).toContain("notBefore=Mar  1 08:00:00 2025 GMT");
    expect(dates).toContain("notAfter=Feb 27 08:00:00 2035 GMT");
  });
});

describe("buildChainPki, standard chain", () => {
  const s = new Scratch();
  afterAll(() => s.remove());

  it("has no GM material and takes node IDs from the secp256k1 keys", async () => {
    const pki = await buildChainPki(testModel(false));
    expect(pki.authority.gm).toBeUndefined();
    for (const agency of pki.agencies) expect(agency.gm ?? agency.sdk.gmSign ?? agency.sdk.gmEnc).toBeUndefined();
    for (const node of pki.nodes) {
      expect(node.gmSign ?? node.gmEnc).toBeUndefined();
      expect(node.nodeId).toBe(opensslNodeId(s, node.std.key.privateKeyPem));
      expect(nodeIdFromCertificate(node.std.certPem)).toBe(node.nodeId);
    }
  });

  it("refuses a GM chain whose imported CA lacks the GM part", async () => {
    const { std } = createChainAuthority(false, { validityDays: 1 });
    await expect(buildChainPki(testModel(true), { ca: { std } })).rejects.toThrow(/GM part \(gmca\.crt\/gmca\.key\)/);
  });
});

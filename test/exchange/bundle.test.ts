import { beforeAll, describe, expect, it } from "vitest";
import { createChainAuthority } from "../../infra/crypto/chain-pki";
import { checkAgencyCsr, createAgencyCsr, issueAgencyCertificate } from "../../infra/crypto/csr";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import type { ChainAuthorityPki, KeyPair } from "../../infra/crypto/types";
import { CERT, PartyBundle, assertPublicOnly, bundleFileName, canonicalJson, readBundle, writeBundle } from "../../infra/exchange/bundle";
import type { Model } from "../../infra/topology/types";

const PLAN: Model = {
  chain: { id: 1, smCrypto: true, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
  hosts: [{ name: "server", address: "127.0.0.2", connection: { kind: "local" }, deployDir: "/opt/fisco" }],
  agencies: [{ name: "agencyD", nodes: ["node5"] }],
  nodes: [{ name: "node5", agency: "agencyD", host: "server", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 }],
  groups: [],
};
const FILE = "/mnt/usb/agencyD.bundle";
const validity = { validityDays: 365, notBefore: new Date("2026-01-01T00:00:00Z") };

let ca: ChainAuthorityPki;
let gmKey: KeyPair;
let stdKey: KeyPair;
let nodeKey: KeyPair;

beforeAll(() => {
  ca = createChainAuthority(true, validity);
  gmKey = generateEcKeyPair("sm2");
  stdKey = generateEcKeyPair("secp256k1");
  nodeKey = generateEcKeyPair("sm2");
});

function agencyBundle(certified = false): PartyBundle {
  const csrs = { gm: createAgencyCsr("agencyD", "gm", gmKey), std: createAgencyCsr("agencyD", "std", stdKey) };
  const certificates: Record<string, string> = {};
  if (certified) {
    certificates[CERT.gmAgency] = issueAgencyCertificate(checkAgencyCsr(csrs.gm, { agency: "agencyD", kind: "gm", plan: PLAN }), ca.gm!, validity);
    certificates[CERT.agency] = issueAgencyCertificate(checkAgencyCsr(csrs.std, { agency: "agencyD", kind: "std", plan: PLAN }), ca.std, validity);
  }
  return {
    party: "agencyD",
    role: "agency",
    chainId: 1,
    certificates,
    csrs,
    nodes: [{ name: "node5", nodeId: nodeKey.publicKeyHex!, address: "127.0.0.2", p2pPort: 30305 }],
    genesis: [],
  };
}

function committeeBundle(): PartyBundle {
  return {
    party: "committee",
    role: "committee",
    chainId: 1,
    planDigest: "sha256:" + "ab".repeat(32),
    certificates: { [CERT.gmChainCa]: ca.gm!.certPem, [CERT.chainCa]: ca.std.certPem },
    csrs: {},
    nodes: [],
    genesis: [{ groupId: 1, timestamp: 1700000000000, sealerIds: [nodeKey.publicKeyHex!] }],
  };
}

const read = (text: string, file = FILE, party = "agencyD", chainCa?: { gm?: string; std?: string }) => readBundle(text, file, { party, plan: PLAN, chainCa });

describe("party bundles", () => {
  it("serialise deterministically: key order does not matter, and only the signature differs between two writes", () => {
    const a = agencyBundle();
    const reordered = Object.fromEntries(Object.entries(a).reverse()) as unknown as PartyBundle;
    expect(canonicalJson(reordered)).toBe(canonicalJson(a));
    const strip = (text: string) => text.replace(/"value": "[^"]*"/, '"value": ""');
    expect(strip(writeBundle(a, gmKey))).toBe(strip(writeBundle(reordered, gmKey)));
  });

  it("an agency before certification signs with its GM CSR key, and the bundle reads back", () => {
    const content = agencyBundle();
    const text = writeBundle(content, gmKey);
    expect(JSON.parse(text).signature).toMatchObject({ signer: "csr:gm", algorithm: "SM2-with-SM3" });
    expect(canonicalJson(read(text))).toBe(canonicalJson(content));
  });

  it("a certified agency signs with its GM agency key; the certificate must chain to the trusted chain CA", () => {
    const text = writeBundle(agencyBundle(true), gmKey);
    expect(JSON.parse(text).signature.signer).toBe(`certificate:${CERT.gmAgency}`);
    expect(read(text, FILE, "agencyD", { gm: ca.gm!.certPem }).party).toBe("agencyD");
    const otherCa = createChainAuthority(true, validity);
    expect(() => read(text, FILE, "agencyD", { gm: otherCa.gm!.certPem })).toThrow(`${FILE}: gmagency.crt was not issued by the committee's chain CA; fix:`);
  });

  it("the committee signs with its GM chain CA key; a reader that trusts another CA refuses it", () => {
    const text = writeBundle(committeeBundle(), ca.gm!.key);
    expect(read(text, "committee.bundle", "committee", { gm: ca.gm!.certPem }).genesis[0].groupId).toBe(1);
    expect(() => read(text, "committee.bundle", "committee", { gm: createChainAuthority(true, validity).gm!.certPem })).toThrow(
      "committee.bundle: gmca.crt is not the chain CA this party already trusts",
    );
  });

  it("refuses a tampered bundle, naming the file and why", () => {
    const text = writeBundle(agencyBundle(), gmKey).replace('"p2pPort": 30305', '"p2pPort": 30399');
    expect(() => read(text)).toThrow(
      `${FILE}: its signature does not verify under agencyD's GM agency key (its GM CSR): the file was altered after signing or signed with another key; fix:`,
    );
  });

  it("refuses an unsigned bundle", () => {
    const envelope = JSON.parse(writeBundle(agencyBundle(), gmKey));
    delete envelope.signature;
    expect(() => read(JSON.stringify(envelope))).toThrow(`${FILE}: is not signed; fix:`);
  });

  it("refuses a bundle signed with another key, or by the wrong one of the party's keys", () => {
    expect(() => writeBundle(agencyBundle(), generateEcKeyPair("sm2"))).toThrow(
      "agencyD's bundle must be signed with the key of its GM agency key (its GM CSR)",
    );
    expect(() => writeBundle(agencyBundle(), stdKey)).toThrow(/must be signed with the key of its GM agency key/);
    // A signature made by someone else's key over the same content, put into the real file.
    const content = agencyBundle();
    const intruderKey = generateEcKeyPair("sm2");
    const intruder = JSON.parse(writeBundle({ ...content, csrs: { ...content.csrs, gm: createAgencyCsr("agencyD", "gm", intruderKey) } }, intruderKey));
    const real = JSON.parse(writeBundle(content, gmKey));
    real.signature.value = intruder.signature.value;
    expect(() => read(JSON.stringify(real))).toThrow(/its signature does not verify under agencyD's GM agency key/);
    real.signature.signer = "csr:std";
    expect(() => read(JSON.stringify(real))).toThrow(`${FILE}: is signed by csr:std, but agencyD's bundle must be signed with its GM agency key (its GM CSR)`);
  });

  it("refuses another party's bundle under this party's name, and an agency CSR for another subject", () => {
    const text = writeBundle(agencyBundle(), gmKey);
    expect(() => read(text, "/mnt/usb/agencyC.bundle", "agencyC")).toThrow(
      "/mnt/usb/agencyC.bundle: holds agencyD's bundle, not agencyC's; fix: name the file agencyD.bundle",
    );
    expect(bundleFileName("agencyD")).toBe("agencyD.bundle");
    const wrong = { ...agencyBundle(), csrs: { gm: createAgencyCsr("agencyX", "gm", gmKey) } };
    expect(() => read(writeBundle(wrong, gmKey))).toThrow(/CSR for agencyD \(GM\): subject CN is "agencyX-gm"/);
  });

  it("refuses text that is no bundle", () => {
    expect(() => read("hello")).toThrow(`${FILE}: is not a bundle (`);
    expect(() => read('{"format":"other"}')).toThrow(`${FILE}: is not a bcos-pulumi/bundle/1 bundle`);
  });
});

describe("no private key material in a bundle", () => {
  it("refuses private keys put into any field, as PEM, bare hex scalar or a held key's scalar", () => {
    const base = agencyBundle();
    const scalar = loadPrivateKey(nodeKey.privateKeyPem).scalarHex!;
    const attempts: [PartyBundle, string][] = [
      [{ ...base, certificates: { "node5/gmnode.key": nodeKey.privateKeyPem } }, "holds a PEM private key"],
      [
        { ...base, certificates: { "node5/x": "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n" } },
        "holds a PEM EC PARAMETERS block",
      ],
      [{ ...base, nodes: [{ ...base.nodes[0], address: scalar }] }, "holds a 64-hex-digit value that could be a private scalar"],
      [{ ...base, nodes: [{ ...base.nodes[0], address: Buffer.from(scalar, "hex").toString("base64") }] }, "holds one of the party's private keys"],
    ];
    for (const [content, message] of attempts) {
      expect(() => writeBundle(content, gmKey, [nodeKey.privateKeyPem])).toThrow(message);
    }
  });

  it("serialised bundles of every kind hold no PEM private key and no scalar of any key involved", () => {
    const keys = [gmKey, stdKey, nodeKey, ca.gm!.key, ca.std.key];
    const texts = [
      writeBundle(
        agencyBundle(),
        gmKey,
        keys.map((k) => k.privateKeyPem),
      ),
      writeBundle(agencyBundle(true), gmKey),
      writeBundle(committeeBundle(), ca.gm!.key),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/PRIVATE KEY/);
      for (const key of keys) {
        const scalar = loadPrivateKey(key.privateKeyPem).scalarHex!;
        expect(text.toLowerCase()).not.toContain(scalar);
        expect(text).not.toContain(Buffer.from(scalar, "hex").toString("base64"));
      }
      expect(() =>
        assertPublicOnly(
          text,
          keys.map((k) => k.privateKeyPem),
        ),
      ).not.toThrow();
    }
  });
});

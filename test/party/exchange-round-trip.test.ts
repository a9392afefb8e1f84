/**
 * The committee and agencyD as two programs with their own state (stateful mocks, real
 * providers), exchanging bundles through a folder and through stack outputs: both converge in two
 * rounds (committee then agency each round), a third round changes nothing, and no private key is
 * in any bundle, published output, or the other party's state.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createChainAuthority } from "../../infra/crypto/chain-pki";
import { createAgencyCsr, parseCsr } from "../../infra/crypto/csr";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { assertPublicOnly, type PartyBundle, readBundle, writeBundle } from "../../infra/exchange/bundle";
import { anchorsOf, fingerprintsOf, keyFingerprint, verifyPublished } from "../../infra/exchange/exchange";
import { trustPinProvider } from "../../infra/providers/trust-pin-provider";
import type { ExchangeSetting } from "../../infra/party/settings";
import { agencyBundleContent, committeeBundleContent, issuedCertificateName } from "../../infra/party/party-bundles";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { agencyProgram, committeeProgram } from "./party-programs";
import { type RunResult, runStack, stacks, stateText, unchanged } from "./stateful-mocks";

const PLAN: Model = validateTopology({
  chain: { id: 1, smCrypto: true },
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyD: { nodes: { node5: { host: "server", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 } } } },
  groups: { 3: { consensus: "pbft", sealers: ["node5"], timestamp: 1700000000000 } },
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every private key (PEM) a stack's state holds, from its KeyPair resources. */
function privateKeysOf(stack: string): string[] {
  return [...(stacks.get(stack)?.resources.values() ?? [])].filter((r) => r.type.endsWith("bcos:KeyPair")).map((r) => r.outputs.privateKeyPem as string);
}

function keyPairState(stack: string, name: string) {
  return stacks.get(stack)!.resources.get(`pulumi-nodejs:dynamic/bcos:KeyPair::${name}`)!.outputs;
}

/** What would give a key away in a text: its scalar (hex) and the first line of its PEM body. */
function scalarsOf(keys: string[]): string[] {
  return keys.flatMap((k) => [
    loadPrivateKey(k).scalarHex!,
    k
      .split("\n")
      .find((l) => l && !l.startsWith("-----"))!
      .toLowerCase(),
  ]);
}

async function rounds(setting: ExchangeSetting, names: { committee: string; agency: string }) {
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const round = async () => ({
    committee: await runStack(names.committee, committeeProgram(PLAN, setting, log)),
    agency: await runStack(names.agency, agencyProgram(PLAN, "agencyD", setting, log)),
  });
  return { logs, round };
}

function expectCustody(committee: string, agency: string, published: string[]) {
  const committeeKeys = privateKeysOf(committee);
  const agencyKeys = privateKeysOf(agency);
  // The chain CAs (std + GM) in the committee's; agency key pairs (std + GM) and node5's in the agency's.
  expect(committeeKeys).toHaveLength(2);
  expect(agencyKeys).toHaveLength(3);
  const all = [...committeeKeys, ...agencyKeys];
  for (const text of published) {
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect(() => assertPublicOnly(text, all)).not.toThrow();
  }
  const committeeState = stateText(committee).toLowerCase();
  const agencyState = stateText(agency).toLowerCase();
  for (const s of scalarsOf(agencyKeys)) expect(committeeState).not.toContain(s);
  for (const s of scalarsOf(committeeKeys)) expect(agencyState).not.toContain(s);
  // The check can see a key: each party's own keys are in its own state.
  for (const k of agencyKeys) expect(agencyState).toContain(scalarsOf([k])[1]);
}

describe("dir exchange between the committee and agencyD (stateful mocks)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bcos-exchange-dir-"));
  dirs.push(dir);
  const setting: ExchangeSetting = { kind: "dir", dir };
  const names = { committee: "org/bcos/dir-committee", agency: "org/bcos/dir-agencyD" };
  const runs: { committee: RunResult; agency: RunResult }[] = [];

  it("round 1: the committee waits for agencyD's requests; agencyD publishes them and waits for its certificates", async () => {
    const { logs, round } = await rounds(setting, names);
    runs.push(await round());
    expect(runs[0].committee.outputs.waitingFor).toEqual({ agencyD: ["its bundle (certificate requests, node IDs)"] });
    expect(runs[0].agency.outputs.waitingFor).toEqual({
      committee: ["agency certificate for agencyD", "GM agency certificate for agencyD", "genesis of group 3"],
    });
    expect(logs).toEqual([
      "committee is waiting for agencyD: its bundle (certificate requests, node IDs) (it made what it could; run pulumi up again after they publish)",
      "agencyD is waiting for committee: agency certificate for agencyD, GM agency certificate for agencyD, genesis of group 3 (it made what it could; run pulumi up again after they publish)",
    ]);
    expect(readdirSync(dir).sort()).toEqual(["agencyD.bundle", "committee.bundle"]);
    const agencyFile = JSON.parse(readFileSync(path.join(dir, "agencyD.bundle"), "utf8"));
    expect(agencyFile.signature.signer).toBe("csr:gm");
  });

  it("round 2: the committee issues the certificates and the genesis, agencyD takes them: nothing is awaited", async () => {
    const { logs, round } = await rounds(setting, names);
    runs.push(await round());
    expect(runs[1].committee.outputs.waitingFor).toEqual({});
    expect(runs[1].agency.outputs.waitingFor).toEqual({});
    expect(logs).toEqual([]);
    expect(runs[1].committee.steps).toMatchObject({
      "agencyD-key-pin": "create",
      "agencyD-gmagency-cert": "create",
      "agencyD-agency-cert": "create",
      "committee-bundle": "update",
    });
    // agencyD's requests, keys and trust pin are those of round 1.
    expect(runs[1].agency.steps).toMatchObject({
      "agencyD-gmagency-csr": "same",
      "agencyD-agency-csr": "same",
      "committee-trust": "same",
      "agencyD-bundle": "update",
    });
    const agencyFile = JSON.parse(readFileSync(path.join(dir, "agencyD.bundle"), "utf8"));
    expect(agencyFile.signature.signer).toBe("certificate:gmagency.crt");
    const committee = readBundle(readFileSync(path.join(dir, "committee.bundle"), "utf8"), "committee.bundle", { party: "committee", plan: PLAN });
    expect(agencyFile.content.certificates["gmagency.crt"]).toBe(committee.certificates[issuedCertificateName("agencyD", "gm")]);
    expect(committee.genesis).toEqual([{ groupId: 3, timestamp: 1700000000000, sealerIds: [agencyFile.content.nodes[0].nodeId] }]);
  });

  it("round 3 changes nothing for either party (the issued certificates and signatures stay)", async () => {
    const before = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8"));
    const { round } = await rounds(setting, names);
    const third = await round();
    expect(unchanged(third.committee), JSON.stringify(third.committee.steps)).toBe(true);
    expect(unchanged(third.agency), JSON.stringify(third.agency.steps)).toBe(true);
    expect(readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8"))).toEqual(before);
  });

  it("custody: no private key in either bundle or published output, nor in the other party's state", () => {
    const files = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), "utf8"));
    expect(files).toHaveLength(2);
    expectCustody(names.committee, names.agency, [
      ...files,
      JSON.stringify(stacks.get(names.committee)!.exports),
      JSON.stringify(stacks.get(names.agency)!.exports),
    ]);
  });

  it("a tampered bundle in the folder is refused at program time, naming the file and why", async () => {
    const file = path.join(dir, "agencyD.bundle");
    const good = readFileSync(file, "utf8");
    writeFileSync(file, good.replace('"p2pPort": 30305', '"p2pPort": 30399'));
    const { round } = await rounds(setting, names);
    await expect(round()).rejects.toThrow(
      `${file}: its signature does not verify under agencyD's GM agency key (gmagency.crt): the file was altered after signing or signed with another key; fix:`,
    );
    writeFileSync(file, good);
  });

  it("the committee refuses a request with a wrong subject before registering anything", async () => {
    const file = path.join(dir, "agencyD.bundle");
    const good = readFileSync(file, "utf8");
    const content = JSON.parse(good).content as PartyBundle;
    const key = (name: string) => loadPrivateKey(keyPairState(names.agency, name).privateKeyPem as string).keyPair;
    const wrong = { ...content, csrs: { ...content.csrs, std: createAgencyCsr("agencyX", "std", key("agencyD-agency-key")) } };
    writeFileSync(file, writeBundle(wrong, key("agencyD-gmagency-key")));
    const before = stateText(names.committee);
    await expect(
      runStack(
        names.committee,
        committeeProgram(PLAN, setting, () => {}),
      ),
    ).rejects.toThrow(
      /^CSR for agencyD \(standard\): subject CN is "agencyX", the approved plan says "agencyD".*; fix: make the request again from agencyD's standard agency key/,
    );
    expect(stateText(names.committee)).toBe(before);
    writeFileSync(file, good);
  });

  it("agencyD refuses another committee's bundle in preview: the chain CA keys it pinned on first contact differ", async () => {
    const file = path.join(dir, "committee.bundle");
    const impostor = createChainAuthority(true, { validityDays: 3650, notBefore: new Date() });
    const content = committeeBundleContent({ plan: PLAN, chainCa: { gm: impostor.gm!.certPem, std: impostor.std.certPem }, issued: {}, genesis: [] });
    // Valid on its own (self-signed, signed by its GM chain CA key): only the pin tells it apart.
    const read = verifyPublished({ source: file, text: writeBundle(content, impostor.gm!.key) }, "committee", PLAN);
    const pinned = stacks.get(names.agency)!.resources.get("pulumi-nodejs:dynamic/bcos:TrustPin::committee-trust")!;
    const checked = await trustPinProvider.check!(pinned.inputs, { party: "committee", source: file, fingerprints: fingerprintsOf(anchorsOf(read)) });
    expect(checked.failures?.[0].reason).toMatch(
      new RegExp(
        `^${file}: committee's keys are not the ones pinned on first contact \\(GM chain CA \\(gmca.crt\\) key sha256 [0-9a-f]{64}, pinned ${(pinned.outputs.fingerprints as { gm: string }).gm}.*; fix: compare the fingerprints with the committee's stack output chainCaFingerprints out of band`,
      ),
    );
    // The real committee's bundle fits its pin.
    const real = verifyPublished({ source: file, text: readFileSync(file, "utf8") }, "committee", PLAN);
    expect(
      (await trustPinProvider.check!(pinned.inputs, { party: "committee", source: file, fingerprints: fingerprintsOf(anchorsOf(real)) })).failures,
    ).toBeUndefined();
  });

  it("the committee refuses agencyD's requests on other keys than those it certified (a bundle swapped in the folder)", async () => {
    const file = path.join(dir, "agencyD.bundle");
    const gm = generateEcKeyPair("sm2");
    const std = generateEcKeyPair("secp256k1");
    // A well-formed, correctly signed CSR-only bundle for agencyD, on someone else's keys.
    const swapped = agencyBundleContent({
      plan: PLAN,
      agency: "agencyD",
      csrs: { gm: createAgencyCsr("agencyD", "gm", gm), std: createAgencyCsr("agencyD", "std", std) },
      certificates: {},
      nodeIds: { node5: generateEcKeyPair("sm2").publicKeyHex! },
    });
    const read = verifyPublished({ source: file, text: writeBundle(swapped, gm) }, "agencyD", PLAN);
    const pinned = stacks.get(names.committee)!.resources.get("pulumi-nodejs:dynamic/bcos:TrustPin::agencyD-key-pin")!;
    const fingerprints = { gm: keyFingerprint(parseCsr(read.csrs.gm!).publicKeyPem), std: keyFingerprint(parseCsr(read.csrs.std!).publicKeyPem) };
    const checked = await trustPinProvider.check!(pinned.inputs, { party: "agencyD", source: file, fingerprints });
    expect(checked.failures?.[0].reason).toMatch(
      new RegExp(
        `^${file}: agencyD's keys are not the ones pinned on first contact \\(GM agency key sha256 [0-9a-f]{64}, pinned [0-9a-f]{64}; agency key sha256`,
      ),
    );
  });
});

describe("stacks exchange between the committee and agencyD (stateful mocks)", () => {
  const names = { committee: "org/bcos/committee", agency: "org/bcos/agencyD" };
  const setting: ExchangeSetting = { kind: "stacks", pattern: "org/bcos/{party}" };

  it("converges in two rounds through the stacks' bundle outputs, then changes nothing", async () => {
    const { round } = await rounds(setting, names);
    const first = await round();
    expect(first.committee.outputs.waitingFor).toEqual({ agencyD: ["its bundle (certificate requests, node IDs)"] });
    expect(Object.keys(first.agency.outputs.waitingFor as object)).toEqual(["committee"]);
    const second = await round();
    expect(second.committee.outputs.waitingFor).toEqual({});
    expect(second.agency.outputs.waitingFor).toEqual({});
    const third = await round();
    expect(unchanged(third.committee) && unchanged(third.agency), JSON.stringify(third)).toBe(true);
    // The bundle output is plain (readable by StackReference), and holds no private key.
    expect(stacks.get(names.agency)!.secretExports).toEqual([]);
    expect(stacks.get(names.committee)!.secretExports).toEqual([]);
    expectCustody(names.committee, names.agency, [JSON.stringify(stacks.get(names.committee)!.exports), JSON.stringify(stacks.get(names.agency)!.exports)]);
  });

  it("a bundle exported as a secret is refused", async () => {
    stacks.get(names.agency)!.secretExports = ["bundle"];
    const { round } = await rounds(setting, names);
    await expect(round()).rejects.toThrow("stack org/bcos/agencyD output bundle: is a secret");
    stacks.get(names.agency)!.secretExports = [];
  });
});

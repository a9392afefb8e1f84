/**
 * The SignedBundle provider on real keys and a real folder: signs inside the provider (the key
 * never in the outputs), signs again only when the content changes, writes atomically, writes a
 * removed file again with the same text, and deletes only the file it wrote.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgencyCsr } from "../../infra/crypto/csr";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import type { KeyPair } from "../../infra/crypto/types";
import { type PartyBundle, readBundle } from "../../infra/exchange/bundle";
import { bundlePath, dirSource } from "../../infra/exchange/dir-source";
import { type SignedBundleInputs, type SignedBundleOutputs, signedBundleProvider as provider } from "../../infra/providers/signed-bundle-provider";
import type { Model } from "../../infra/topology/types";

const PLAN: Model = {
  chain: { id: 1, smCrypto: true, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
  hosts: [{ name: "server", address: "127.0.0.2", connection: { kind: "local" }, deployDir: "/opt/fisco" }],
  agencies: [{ name: "agencyD", nodes: ["node5"] }],
  nodes: [{ name: "node5", agency: "agencyD", host: "server", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 }],
  groups: [],
};

let dir: string;
let gmKey: KeyPair;
let stdKey: KeyPair;
let nodeKey: KeyPair;
/** Made once: a request's SM2 signature differs each time it is made. */
let csrs: PartyBundle["csrs"];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bcos-signed-bundle-"));
  gmKey = generateEcKeyPair("sm2");
  stdKey = generateEcKeyPair("secp256k1");
  nodeKey = generateEcKeyPair("sm2");
  csrs = { gm: createAgencyCsr("agencyD", "gm", gmKey), std: createAgencyCsr("agencyD", "std", stdKey) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function content(p2pPort = 30305): PartyBundle {
  return {
    party: "agencyD",
    role: "agency",
    chainId: 1,
    certificates: {},
    csrs,
    nodes: [{ name: "node5", nodeId: nodeKey.publicKeyHex!, address: "127.0.0.2", p2pPort }],
    genesis: [],
  };
}

const inputs = (c: PartyBundle, file = bundlePath(dir, "agencyD")): SignedBundleInputs => ({
  content: c,
  signingKeyPem: gmKey.privateKeyPem,
  heldSecrets: [gmKey, stdKey, nodeKey].map((k) => k.privateKeyPem),
  path: file,
});

describe("SignedBundle provider", () => {
  let outs: SignedBundleOutputs;
  const file = () => bundlePath(dir, "agencyD");

  it("signs in the provider and writes <dir>/<party>.bundle, which reads back verified; no key in the outputs", async () => {
    const created = await provider.create(inputs(content()));
    outs = created.outs as SignedBundleOutputs;
    expect(created.id).toBe(file());
    expect(readFileSync(file(), "utf8")).toBe(outs.text);
    expect(readdirSync(dir)).toEqual(["agencyD.bundle"]); // nothing left aside
    const published = await dirSource(dir).fetch("agencyD");
    expect(readBundle(published!.text, published!.source, { party: "agencyD", plan: PLAN }).nodes[0].p2pPort).toBe(30305);
    const visible = JSON.stringify(outs);
    expect(visible).not.toMatch(/PRIVATE KEY/);
    for (const k of [gmKey, stdKey, nodeKey]) expect(visible).not.toContain(loadPrivateKey(k.privateKeyPem).scalarHex!);
    expect(await dirSource(dir).fetch("committee")).toBeUndefined();
  });

  it("is not signed again while the content is the same (SM2 signatures differ each time)", async () => {
    expect((await provider.diff!("id", outs, inputs(content()))).changes).toBe(false);
    const changed = await provider.diff!("id", outs, inputs(content(30399)));
    expect(changed).toMatchObject({ changes: true });
    expect(changed.replaces ?? []).toEqual([]);
    expect((await provider.diff!("id", outs, { ...inputs(content()), path: path.join(dir, "other.bundle") })).replaces).toEqual(["path"]);
  });

  it("writes a removed file again with the same signed text", async () => {
    rmSync(file());
    expect((await provider.diff!("id", outs, inputs(content()))).changes).toBe(true);
    const updated = (await provider.update!("id", outs, inputs(content()))).outs as SignedBundleOutputs;
    expect(updated.text).toBe(outs.text);
    expect(readFileSync(file(), "utf8")).toBe(outs.text);
  });

  it("refuses content holding a private key, before writing", async () => {
    const bad = { ...content(), nodes: [{ ...content().nodes[0], address: loadPrivateKey(nodeKey.privateKeyPem).scalarHex! }] };
    await expect(provider.create(inputs(bad, path.join(dir, "bad.bundle")))).rejects.toThrow("holds a 64-hex-digit value that could be a private scalar");
    expect(existsSync(path.join(dir, "bad.bundle"))).toBe(false);
  });

  it("deletes only the file it wrote: one replaced by hand stays", async () => {
    writeFileSync(file(), "carried in by hand\n");
    await provider.delete!("id", outs);
    expect(readFileSync(file(), "utf8")).toBe("carried in by hand\n");
    writeFileSync(file(), outs.text);
    await provider.delete!("id", outs);
    expect(existsSync(file())).toBe(false);
  });

  it("an unreadable bundle path is refused naming the file", async () => {
    rmSync(file(), { force: true });
    const folder = bundlePath(dir, "agencyC");
    // A folder where the file should be: read fails with EISDIR.
    mkdirSync(folder);
    await expect(dirSource(dir).fetch("agencyC")).rejects.toThrow(`${folder}: cannot be read (`);
  });
});

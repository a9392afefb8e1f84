/**
 * Adoption in the providers (what `pulumi up` does with an imported stack): a key is taken as its
 * file holds it, a certificate as issued while it still certifies the key and is not due for
 * renewal, a genesis as the group started from; an issuer imported without its key is refused
 * before anything is made. Keys and certificates come from OpenSSL, as build_chain makes them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { type CertificateInputs, type CertificateOutputs, certificateProvider } from "../../infra/providers/certificate-provider";
import { type GroupGenesisOutputs, groupGenesisProvider } from "../../infra/providers/group-genesis-provider";
import { type KeyPairOutputs, keyPairProvider } from "../../infra/providers/key-pair-provider";
import { opensslNodeId } from "../import/chain-fixture";

let dir: string;
let caKeyText: string;
let caCertText: string;
let nodeKeyText: string;
/** node.crt as build_chain writes it: the leaf, then the CA. */
let nodeCrtText: string;

const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bcos-adopt-providers-"));
  openssl("ecparam", "-out", "k1.param", "-name", "secp256k1");
  openssl("genpkey", "-paramfile", "k1.param", "-out", "ca.key");
  openssl("req", "-new", "-x509", "-days", "3650", "-subj", "/CN=chain/O=fisco-bcos/OU=chain", "-key", "ca.key", "-out", "ca.crt");
  openssl("genpkey", "-paramfile", "k1.param", "-out", "node.key");
  openssl("req", "-new", "-sha256", "-subj", "/CN=node0/O=fisco-bcos/OU=node", "-key", "node.key", "-out", "node.csr");
  openssl("x509", "-req", "-days", "3650", "-sha256", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-in", "node.csr", "-out", "node.crt");
  const read = (f: string) => readFileSync(path.join(dir, f), "utf8");
  [caKeyText, caCertText, nodeKeyText] = [read("ca.key"), read("ca.crt"), read("node.key")];
  nodeCrtText = read("node.crt") + caCertText;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const adoptKey = async (algorithm: string, adoptPrivateKeyPem: string) =>
  (await keyPairProvider.create({ algorithm, adoptPrivateKeyPem })).outs as KeyPairOutputs;

describe("keyPairProvider adopts a key", () => {
  it("keeps the file text and yields the node ID build_chain computes", async () => {
    const outs = await adoptKey("secp256k1", nodeKeyText);
    expect(outs.privateKeyPem).toBe(nodeKeyText);
    expect(outs.publicKeyHex).toBe(opensslNodeId(path.join(dir, "node.key")));
    expect(outs).not.toHaveProperty("adoptPrivateKeyPem");
  });

  it("refuses a key of another algorithm", async () => {
    await expect(adoptKey("sm2", nodeKeyText)).rejects.toThrow(/secp256k1.*sm2 key belongs here/);
  });

  it("passes the adopted key through check, and an adopted key never diffs", async () => {
    expect(await keyPairProvider.check!({}, { algorithm: "secp256k1", adoptPrivateKeyPem: nodeKeyText })).toEqual({
      inputs: { algorithm: "secp256k1", adoptPrivateKeyPem: nodeKeyText },
    });
    const outs = await adoptKey("secp256k1", nodeKeyText);
    expect(await keyPairProvider.diff!("k", outs, { algorithm: "secp256k1", adoptPrivateKeyPem: nodeKeyText })).toEqual({ changes: false });
  });
});

describe("certificateProvider adopts a certificate", () => {
  let nodeKey: KeyPairOutputs;
  let caKey: KeyPairOutputs;
  let inputs: CertificateInputs;
  beforeAll(async () => {
    nodeKey = await adoptKey("secp256k1", nodeKeyText);
    caKey = await adoptKey("secp256k1", caKeyText);
    inputs = {
      profile: "node",
      subjectName: "node0",
      subjectPublicKeyPem: nodeKey.publicKeyPem,
      issuerCertPem: caCertText,
      issuerPrivateKeyPem: caKey.privateKeyPem,
      validityDays: 36500,
      renewBeforeDays: 30,
      adoptCertPem: nodeCrtText,
    };
  });

  it("takes the leaf of the file with its own validity, and diffs no change after", async () => {
    const { outs } = (await certificateProvider.create(inputs)) as { outs: CertificateOutputs };
    expect(outs.certPem).toBe(readFileSync(path.join(dir, "node.crt"), "utf8"));
    expect(Date.parse(outs.notAfter) - Date.parse(outs.notBefore)).toBe(3650 * 86_400_000);
    expect(outs).not.toHaveProperty("adoptCertPem");
    expect(await certificateProvider.diff!("c", outs, inputs)).toEqual({ changes: false });
  });

  it("issues a new certificate when the adopted one is for another key", async () => {
    const other = (await keyPairProvider.create({ algorithm: "secp256k1" })).outs as KeyPairOutputs;
    const { outs } = (await certificateProvider.create({ ...inputs, subjectPublicKeyPem: other.publicKeyPem })) as { outs: CertificateOutputs };
    expect(outs.certPem).not.toBe(readFileSync(path.join(dir, "node.crt"), "utf8"));
  });

  it("adopts under an issuer imported without its key, but refuses to issue anything under it", async () => {
    const keyless = { ...inputs, issuerPrivateKeyPem: "" };
    expect(await certificateProvider.check!({}, keyless)).toEqual({ inputs: keyless });
    const { outs } = (await certificateProvider.create(keyless)) as { outs: CertificateOutputs };
    expect(outs.certPem).toBe(readFileSync(path.join(dir, "node.crt"), "utf8"));

    const { adoptCertPem: _none, ...fresh } = keyless;
    const checked = (await certificateProvider.check!({}, fresh)) as { failures: { property: string; reason: string }[] };
    expect(checked.failures[0].reason).toMatch(/imported as a certificate only.*--cert-dir/);
    // Renewal due (or a changed subject): re-issuing is refused in preview, by diff.
    await expect(certificateProvider.diff!("c", outs, { ...keyless, renewBeforeDays: 3651 })).rejects.toThrow(/imported as a certificate only/);
    await expect(certificateProvider.create({ ...fresh })).rejects.toThrow(/imported as a certificate only/);
  });
});

describe("groupGenesisProvider adopts a genesis", () => {
  const ids = ["a", "b"].map((s) => s.repeat(128));
  const params = { consensus: "pbft" as const, maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3, epochBlockNum: 1000, enableFreeStorage: false };
  const text = renderGroupGenesis({ groupId: 1, params, sealerIds: ids, timestamp: 1700000000000, version: "2.11.1" });

  it("freezes the file as it is, with its sealers and timestamp, and diffs no change after", async () => {
    const inputs = { groupId: 1, params, sealerIds: ids, timestamp: 1700000000000, version: "2.11.1", adoptGenesis: text };
    const { outs } = (await groupGenesisProvider.create(inputs)) as { outs: GroupGenesisOutputs };
    expect(outs.genesis).toBe(text);
    expect(outs.sealerIds).toEqual(ids);
    expect(outs.timestamp).toBe(1700000000000);
    expect(outs).not.toHaveProperty("adoptGenesis");
    expect(await groupGenesisProvider.diff!("g", outs, inputs)).toEqual({ changes: false });
  });

  it("refuses a topology whose frozen values differ from the adopted file", async () => {
    const inputs = { groupId: 1, params: { ...params, gasLimit: 1 }, sealerIds: ids, version: "2.11.1", adoptGenesis: text };
    await expect(groupGenesisProvider.create(inputs)).rejects.toThrow(/groups\.1\.gasLimit: 300000000 → 1/);
  });
});

/**
 * chain.rsaCryptoChannel: false under mocks (the dev topology, GM): the program makes no RSA key or
 * RSA certificate at all (no unused secrets in state); each agency gets a secp256k1 SDK credential
 * under its agency CA instead, and the packages carry config.ini with rsa_crypto_channel=false,
 * no conf/channel_cert/ and an SDK set chained to the chain CA of the nodes' origin_cert/.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devModel } from "./dev-stack";
import { type Registration, settled, startMocks } from "./mock-run";
import { readTarGz } from "./tar-reader";

let registrations: Registration[];
let outputDir: string;
const model = devModel();

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-rsa-off-"));
  registrations = await startMocks({});
  const { Consortium } = await import("../../components");
  new Consortium("consortium", { model: { ...model, chain: { ...model.chain, rsaCryptoChannel: false } }, outputDir });
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

describe("resources", () => {
  it("registers no RSA key, no channel CA and no channel certificate", () => {
    expect(model.chain.smCrypto).toBe(true);
    const keys = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:KeyPair");
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((r) => r.inputs.algorithm === "rsa2048").map((r) => r.name)).toEqual([]);
    expect(registrations.filter((r) => /channel/.test(r.name)).map((r) => r.name)).toEqual([]);
    const certs = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:Certificate");
    expect(certs.filter((r) => String(r.inputs.profile).startsWith("channel")).map((r) => r.name)).toEqual([]);
  });

  it("gives every agency a secp256k1 SDK key and certificate under its own agency CA", () => {
    for (const agency of model.agencies) {
      const key = registrations.find((r) => r.name === `${agency.name}-ecdsa-sdk-key`);
      expect(key?.inputs.algorithm, agency.name).toBe("secp256k1");
      const cert = registrations.find((r) => r.name === `${agency.name}-ecdsa-sdk-cert`);
      expect(cert?.inputs.profile).toBe("sdk");
      const agencyCa = registrations.find((r) => r.name === `${agency.name}-agency-cert`);
      expect(cert?.dependencies).toContain(agencyCa?.urn);
    }
  });
});

describe("packages", () => {
  const tar = (name: string) => readTarGz(readFileSync(path.join(outputDir, `${name}.tar.gz`)));

  it("write rsa_crypto_channel=false and no conf/channel_cert/, keeping origin_cert/ (the channel's set)", () => {
    const files = tar("agencyA");
    const names = [...files.keys()];
    expect(names.filter((n) => n.includes("channel_cert"))).toEqual([]);
    for (const node of model.agencies.find((a) => a.name === "agencyA")!.nodes) {
      expect(files.get(`agencyA/${node}/config.ini`)?.text).toMatch(/^ {4}rsa_crypto_channel=false$/m);
      expect(names).toContain(`agencyA/${node}/conf/origin_cert/node.key`);
    }
  });

  it("give the SDK the chain CA of origin_cert/ and a secp256k1 sdk.crt chained to it", () => {
    const files = tar("agencyA");
    const [node] = model.agencies.find((a) => a.name === "agencyA")!.nodes;
    expect(files.get("agencyA/sdk/ca.crt")?.text).toBe(files.get(`agencyA/${node}/conf/origin_cert/ca.crt`)?.text);
    const chain = files.get("agencyA/sdk/sdk.crt")!.text.match(/-----BEGIN CERTIFICATE-----/g);
    expect(chain).toHaveLength(3);
    expect(files.get("agencyA/sdk/sdk.key")?.mode).toBe(0o600);
    expect(files.get("agencyA/sdk/sdk.publickey")?.text).toMatch(/^[0-9a-f]{128}\n$/);
  });
});

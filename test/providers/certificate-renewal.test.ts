/**
 * Issue 15 (expiry in view, renewal, time in tests) at the provider: certificates issued at a
 * given "now", the preview's warning naming a certificate in its renewal window, a v1 root
 * (ca.crt) renewed in place keeping its serial so what it signed still verifies, and a chain CA
 * key change refused with the migration it needs.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { now, NOW_VARIABLE } from "../../infra/clock";
import { type CertificateInputs, type CertificateOutputs, createCertificateProvider } from "../../infra/providers/certificate-provider";
import { type KeyPairOutputs, keyPairProvider } from "../../infra/providers/key-pair-provider";

const DAY_MS = 86_400_000;
/** What the engine hands a dynamic provider for a value not known in preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const newKey = async (algorithm: string) => (await keyPairProvider.create({ algorithm })).outs as KeyPairOutputs;

let gmcaKey: KeyPairOutputs;
let gmcaInputs: CertificateInputs;

beforeAll(async () => {
  gmcaKey = await newKey("sm2");
  gmcaInputs = {
    profile: "gmChainCa",
    subjectPublicKeyPem: gmcaKey.publicKeyPem,
    issuerPrivateKeyPem: gmcaKey.privateKeyPem,
    validityDays: 365,
    renewBeforeDays: 30,
    label: "chain-gmca-cert",
  };
});

describe("the clock (BCOS_NOW)", () => {
  it("is the current time unless BCOS_NOW is set, then that date", () => {
    expect(Math.abs(now({}).getTime() - Date.now())).toBeLessThan(5_000);
    expect(now({ [NOW_VARIABLE]: "2025-01-02" }).toISOString()).toBe("2025-01-02T00:00:00.000Z");
    expect(now({ [NOW_VARIABLE]: "2025-01-02T03:04:05+01:00" }).toISOString()).toBe("2025-01-02T02:04:05.000Z");
  });

  it("refuses a value that is no ISO date, naming the variable and the fix", () => {
    expect(() => now({ [NOW_VARIABLE]: "yesterday" })).toThrow('BCOS_NOW="yesterday" is not an ISO 8601 date: write e.g. 2026-12-03');
    expect(() => now({ [NOW_VARIABLE]: "2025-02-30x" })).toThrow("BCOS_NOW");
  });
});

describe("issuing at a given now", () => {
  it("starts validity at that now: issued 360 days back, a 365-day certificate expires in 5 days", async () => {
    const at = new Date(Math.floor((Date.now() - 360 * DAY_MS) / 1000) * 1000);
    const provider = createCertificateProvider({ now: () => at });
    const { outs } = (await provider.create(gmcaInputs)) as { outs: CertificateOutputs };
    expect(outs.notBefore).toBe(at.toISOString());
    const cert = new X509Certificate(outs.certPem);
    expect(new Date(cert.validFrom).toISOString()).toBe(at.toISOString());
    expect(Math.round((Date.parse(outs.notAfter) - Date.now()) / DAY_MS)).toBe(5);
  });
});

describe("the renewal window in diff", () => {
  const expiringIn = (days: number): CertificateOutputs => {
    const { issuerPrivateKeyPem: _k, ...rest } = gmcaInputs;
    return { ...rest, certPem: "", notBefore: "", notAfter: new Date(Date.now() + days * DAY_MS).toISOString() };
  };

  it("warns naming the certificate, its expiry and days left, and that up re-issues it on the same key", async () => {
    const warnings: string[] = [];
    const provider = createCertificateProvider({ warn: (m) => warnings.push(m) });
    const olds = expiringIn(5.5);
    expect(await provider.diff!("id", olds, gmcaInputs)).toMatchObject({ changes: true, replaces: ["notAfter"] });
    expect(warnings).toEqual([
      `chain-gmca-cert: expires ${olds.notAfter} (5 days left; renewal window bcos:renewBeforeDays = 30): pulumi up re-issues it on the same key, and the certificates it signs with it`,
    ]);
  });

  it("says nothing outside the window, and goes by the given now", async () => {
    const warnings: string[] = [];
    const olds = expiringIn(40.5);
    expect(await createCertificateProvider({ warn: (m) => warnings.push(m) }).diff!("id", olds, gmcaInputs)).toEqual({ changes: false });
    expect(warnings).toEqual([]);
    const later = new Date(Date.now() + 20 * DAY_MS);
    const result = await createCertificateProvider({ warn: (m) => warnings.push(m), now: () => later }).diff!("id", olds, gmcaInputs);
    expect(result).toMatchObject({ replaces: ["notAfter"] });
    expect(warnings[0]).toContain("(20 days left;");
  });

  it("a leaf's warning does not speak of certificates under it", async () => {
    const warnings: string[] = [];
    const leaf = { ...gmcaInputs, profile: "gmNode" as const, label: "node0-gmnode-cert" };
    await createCertificateProvider({ warn: (m) => warnings.push(m) }).diff!("id", { ...expiringIn(1), profile: "gmNode", label: "node0-gmnode-cert" }, leaf);
    expect(warnings[0]).toMatch(/^node0-gmnode-cert: expires .* pulumi up re-issues it on the same key$/);
  });
});

describe("a chain CA key change", () => {
  const provider = createCertificateProvider({ warn: () => undefined });

  it("is refused in check, when the new key is known and when it is not (preview), explaining the migration", async () => {
    const other = await newKey("sm2");
    for (const key of [other.publicKeyPem, UNKNOWN]) {
      const result = await provider.check!(gmcaInputs, { ...gmcaInputs, subjectPublicKeyPem: key });
      expect(result.failures?.map((f) => f.property)).toEqual(["subjectPublicKeyPem"]);
      const reason = result.failures![0].reason;
      expect(reason).toContain("chain-gmca-cert: the chain CA (gmca.crt) would be re-issued on a new key");
      expect(reason).toContain("lose quorum");
      expect(reason).toContain("stop every node, give every node the new gmca.crt");
    }
  });

  it("is no refusal on the first issue, on the same key, or for a certificate under it", async () => {
    expect((await provider.check!({}, gmcaInputs)).failures).toBeUndefined();
    expect((await provider.check!(gmcaInputs, { ...gmcaInputs, validityDays: 730 })).failures).toBeUndefined();
    const agency = { ...gmcaInputs, profile: "gmAgencyCa" as const, subjectName: "agencyA", issuerCertPem: "x" };
    expect((await provider.check!(agency, { ...agency, subjectPublicKeyPem: UNKNOWN })).failures).toBeUndefined();
  });
});

describe("a v1 root (ca.crt) in its renewal window", () => {
  it("is re-issued in place on its key with its serial, so certificates issued under the old one verify under the new one (OpenSSL)", async () => {
    const provider = createCertificateProvider({ warn: () => undefined, now: () => new Date(Date.now() - 360 * DAY_MS) });
    const caKey = await newKey("secp256k1");
    const caInputs: CertificateInputs = {
      profile: "chainCa",
      subjectPublicKeyPem: caKey.publicKeyPem,
      issuerPrivateKeyPem: caKey.privateKeyPem,
      validityDays: 365,
      renewBeforeDays: 30,
    };
    const old = (await provider.create(caInputs)).outs as CertificateOutputs;
    const agencyKey = await newKey("secp256k1");
    const agencyInputs: CertificateInputs = {
      profile: "agencyCa",
      subjectName: "agencyA",
      subjectPublicKeyPem: agencyKey.publicKeyPem,
      issuerCertPem: old.certPem,
      issuerPrivateKeyPem: caKey.privateKeyPem,
      validityDays: 365,
      renewBeforeDays: 30,
    };
    const agency = (await provider.create(agencyInputs)).outs as CertificateOutputs;
    const nodeKey = await newKey("secp256k1");
    const node = (
      await provider.create({
        profile: "node",
        subjectName: "node0",
        subjectPublicKeyPem: nodeKey.publicKeyPem,
        issuerCertPem: agency.certPem,
        issuerPrivateKeyPem: agencyKey.privateKeyPem,
        validityDays: 365,
        renewBeforeDays: 30,
      })
    ).outs as CertificateOutputs;

    const today = createCertificateProvider({ warn: () => undefined });
    expect(await today.diff!("id", old, caInputs)).toEqual({ changes: true });
    const renewed = (await today.update!("id", old, caInputs)).outs as CertificateOutputs;
    expect(renewed.certPem).not.toBe(old.certPem);
    expect(new X509Certificate(renewed.certPem).serialNumber).toBe(new X509Certificate(old.certPem).serialNumber);
    expect(Math.round((Date.parse(renewed.notAfter) - Date.now()) / DAY_MS)).toBe(365);

    const dir = mkdtempSync(join(tmpdir(), "bcos-v1-root-"));
    try {
      writeFileSync(join(dir, "ca.crt"), renewed.certPem);
      writeFileSync(join(dir, "agency.crt"), agency.certPem);
      writeFileSync(join(dir, "node.crt"), node.certPem);
      const out = execFileSync("openssl", ["verify", "-CAfile", join(dir, "ca.crt"), "-untrusted", join(dir, "agency.crt"), join(dir, "node.crt")], {
        encoding: "utf8",
      });
      expect(out).toContain("node.crt: OK");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("outside the window, update keeps it as it is", async () => {
    const provider = createCertificateProvider({ warn: () => undefined });
    const caKey = await newKey("rsa2048");
    const inputs: CertificateInputs = {
      profile: "channelCa",
      subjectName: "agencyA",
      subjectPublicKeyPem: caKey.publicKeyPem,
      issuerPrivateKeyPem: caKey.privateKeyPem,
      validityDays: 365,
      renewBeforeDays: 30,
    };
    const outs = (await provider.create(inputs)).outs as CertificateOutputs;
    expect(await provider.diff!("id", outs, { ...inputs, renewBeforeDays: 60 })).toEqual({ changes: true });
    expect((await provider.update!("id", outs, { ...inputs, renewBeforeDays: 60 })).outs).toEqual({ ...outs, renewBeforeDays: 60 });
  });
});

/**
 * Certificates are re-issued only when what they certify changes or they near expiry; their key,
 * a separate resource, stays.
 */
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { type CertificateInputs, type CertificateOutputs, certificateProvider } from "../../infra/providers/certificate-provider";
import { type KeyPairOutputs, keyPairProvider } from "../../infra/providers/key-pair-provider";

const DAY_MS = 86_400_000;

const newKey = async (algorithm: string) => (await keyPairProvider.create({ algorithm })).outs as KeyPairOutputs;
const issue = async (inputs: CertificateInputs) => {
  const { id, outs } = await certificateProvider.create(inputs);
  return { id, outs: outs as CertificateOutputs };
};

let caKey: KeyPairOutputs;
let ca: CertificateOutputs;
let agencyKey: KeyPairOutputs;
/** The agencyA CA certificate's inputs, as the Agency component gives them. */
let agencyInputs: CertificateInputs;
let agency: { id: string; outs: CertificateOutputs };

beforeAll(async () => {
  caKey = await newKey("secp256k1");
  ca = (
    await issue({
      profile: "chainCa",
      subjectPublicKeyPem: caKey.publicKeyPem,
      issuerPrivateKeyPem: caKey.privateKeyPem,
      validityDays: 3650,
      renewBeforeDays: 30,
    })
  ).outs;
  agencyKey = await newKey("secp256k1");
  agencyInputs = {
    profile: "agencyCa",
    subjectName: "agencyA",
    subjectPublicKeyPem: agencyKey.publicKeyPem,
    issuerCertPem: ca.certPem,
    issuerPrivateKeyPem: caKey.privateKeyPem,
    validityDays: 3650,
    renewBeforeDays: 30,
  };
  agency = await issue(agencyInputs);
});

describe("certificateProvider.create", () => {
  it("issues the certificate on the subject key under the issuer, with notAfter as the certificate says", () => {
    const cert = new X509Certificate(agency.outs.certPem);
    expect(cert.subject).toContain("CN=agencyA");
    expect(cert.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(cert.publicKey.export({ type: "spki", format: "pem" })).toBe(agencyKey.publicKeyPem);
    expect(new Date(cert.validTo).toISOString()).toBe(agency.outs.notAfter);
    expect(Date.parse(agency.outs.notAfter) - Date.parse(agency.outs.notBefore)).toBe(3650 * DAY_MS);
  });

  it("keeps the issuer's private key out of its outputs", () => {
    expect(agency.outs).not.toHaveProperty("issuerPrivateKeyPem");
    expect(JSON.stringify(agency.outs)).not.toContain("PRIVATE KEY");
  });
});

describe("certificateProvider.diff", () => {
  it("reports no change for the same inputs (a second up is a no-op)", async () => {
    const { inputs } = await certificateProvider.check!(agencyInputs, agencyInputs);
    expect(await certificateProvider.diff!(agency.id, agency.outs, inputs)).toEqual({ changes: false });
  });

  it("replaces the certificate on a new subject, while its key reports no change", async () => {
    const renamed = { ...agencyInputs, subjectName: "agencyX" };
    expect(await certificateProvider.diff!(agency.id, agency.outs, renamed)).toEqual({ changes: true, replaces: ["subjectName"], deleteBeforeReplace: false });
    expect(await keyPairProvider.diff!("agency-key", agencyKey, { algorithm: "secp256k1" })).toEqual({ changes: false });
    // The replacement certifies the same key under the new name.
    const reissued = new X509Certificate((await issue(renamed)).outs.certPem);
    expect(reissued.subject).toContain("CN=agencyX");
    expect(reissued.publicKey.export({ type: "spki", format: "pem" })).toBe(agencyKey.publicKeyPem);
  });

  it.each([
    [
      "issuerCertPem",
      async () => ({
        issuerCertPem: (
          await issue({
            profile: "chainCa",
            subjectPublicKeyPem: caKey.publicKeyPem,
            issuerPrivateKeyPem: caKey.privateKeyPem,
            validityDays: 3650,
            renewBeforeDays: 30,
          })
        ).outs.certPem,
      }),
    ],
    ["subjectPublicKeyPem", async () => ({ subjectPublicKeyPem: (await newKey("secp256k1")).publicKeyPem })],
    ["validityDays", async () => ({ validityDays: 365 })],
    ["profile", async () => ({ profile: "node" as const })],
  ])("replaces the certificate when %s changes", async (field, change) => {
    const news = { ...agencyInputs, ...(await change()) };
    expect(await certificateProvider.diff!(agency.id, agency.outs, news)).toMatchObject({ changes: true, replaces: [field] });
  });

  it("replaces a certificate inside its renewal window, not outside", async () => {
    const expiring = (days: number) => ({ ...agency.outs, notAfter: new Date(Date.now() + days * DAY_MS).toISOString() });
    expect(await certificateProvider.diff!(agency.id, expiring(10), agencyInputs)).toMatchObject({ changes: true, replaces: ["notAfter"] });
    expect(await certificateProvider.diff!(agency.id, expiring(31), agencyInputs)).toEqual({ changes: false });
    // A wider window reaches the same certificate.
    expect(await certificateProvider.diff!(agency.id, expiring(31), { ...agencyInputs, renewBeforeDays: 40 })).toMatchObject({ replaces: ["notAfter"] });
  });

  it("updates in place, keeping the certificate, when only renewBeforeDays changes", async () => {
    const news = { ...agencyInputs, renewBeforeDays: 60 };
    expect(await certificateProvider.diff!(agency.id, agency.outs, news)).toEqual({ changes: true });
    expect(await certificateProvider.update!(agency.id, agency.outs, news)).toEqual({ outs: { ...agency.outs, renewBeforeDays: 60 } });
  });
});

describe("certificateProvider.check", () => {
  const failedProperties = async (news: CertificateInputs) => ((await certificateProvider.check!({}, news)).failures ?? []).map((f) => f.property);

  it("refuses an issuer on a self-signed profile and a missing issuer on an issued one", async () => {
    expect(await failedProperties({ ...agencyInputs, profile: "chainCa" })).toEqual(["issuerCertPem"]);
    expect(await failedProperties({ ...agencyInputs, issuerCertPem: undefined })).toEqual(["issuerCertPem"]);
  });

  it("refuses a renewal window as long as the validity", async () => {
    expect(await failedProperties({ ...agencyInputs, validityDays: 30, renewBeforeDays: 30 })).toEqual(["renewBeforeDays"]);
  });
});

/**
 * Issue 15.1/15.4 under mocks: the program run at a given "now" (BCOS_NOW) with
 * bcos:renewBeforeDays set lists every certificate in the stack output `certificates` with its
 * notAfter and days left, issues them from that now, and gives each its renewal window.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CertificateSummaries } from "../../components";
import { devTopology } from "./dev-stack";
import { type Registration, settled, startMocks, valueOf } from "./mock-run";

const NOW = "2024-06-01T00:00:00.000Z";
const VALIDITY_DAYS = 3650;
const NOT_AFTER = new Date(Date.parse(NOW) + VALIDITY_DAYS * 86_400_000).toISOString();
const AGENCY_CERTS = ["ca", "gmca", "channelCa", "sdk", "gmSdk", "gmEnSdk"];
const NODE_CERTS = ["gmSign", "gmEnc", "origin", "channel"];

let registrations: Registration[];
let outputDir: string;
let certificates: CertificateSummaries;
const before = process.env.BCOS_NOW;

beforeAll(async () => {
  process.env.BCOS_NOW = NOW;
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-cert-expiry-"));
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": outputDir, "bcos:renewBeforeDays": "45" });
  const program = await import("../../index");
  await settled();
  certificates = await valueOf(program.certificates);
});

afterAll(() => {
  if (before === undefined) delete process.env.BCOS_NOW;
  else process.env.BCOS_NOW = before;
  rmSync(outputDir, { recursive: true, force: true });
});

const certs = () => registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:Certificate");

describe("the stack output certificates", () => {
  it("lists every certificate: the chain CAs, per agency its CAs and SDK certificates, per node GM sign/enc, origin and channel", () => {
    expect(Object.keys(certificates.chain).sort()).toEqual(["ca", "gmca"]);
    expect(Object.keys(certificates.agencies).sort()).toEqual(["agencyA", "agencyB", "agencyC", "agencyD"]);
    for (const [agency, list] of Object.entries(certificates.agencies)) expect(Object.keys(list).sort(), agency).toEqual([...AGENCY_CERTS].sort());
    expect(Object.keys(certificates.nodes).sort()).toEqual(["node0", "node1", "node2", "node3", "node4"]);
    for (const [node, list] of Object.entries(certificates.nodes)) expect(Object.keys(list).sort(), node).toEqual([...NODE_CERTS].sort());
    const listed = 2 + 4 * AGENCY_CERTS.length + 5 * NODE_CERTS.length;
    expect(certs()).toHaveLength(listed);
  });

  it("gives each its notAfter and the whole days left, counted from the same now the certificates were issued at", () => {
    expect(certificates.chain.gmca).toEqual({ notAfter: NOT_AFTER, daysLeft: VALIDITY_DAYS });
    expect(certificates.nodes.node3.gmSign).toEqual({ notAfter: NOT_AFTER, daysLeft: VALIDITY_DAYS });
    const all = [certificates.chain, ...Object.values(certificates.agencies), ...Object.values(certificates.nodes)].flatMap((l) => Object.values(l));
    for (const expiry of all) expect(expiry).toEqual({ notAfter: NOT_AFTER, daysLeft: VALIDITY_DAYS });
  });

  it("matches what the certificates say", () => {
    const node0 = certs().find((r) => r.name === "node0-gmnode-cert")!;
    const pem = node0.outputs.certPem as string;
    expect(new Date(new X509Certificate(pem).validFrom).toISOString()).toBe(NOW);
    expect(new Date(new X509Certificate(pem).validTo).toISOString()).toBe(certificates.nodes.node0.gmSign.notAfter);
  });
});

describe("bcos:renewBeforeDays", () => {
  it("is every certificate's renewal window, and each carries its resource name for the renewal warning", () => {
    for (const r of certs()) {
      expect(r.inputs.renewBeforeDays, r.name).toBe(45);
      expect(r.inputs.label, r.name).toBe(r.name);
    }
  });
});

/**
 * The dev stack under mocks: no private key reaches the engine outside a secret. Every registered
 * input and output, and the stack outputs, are searched for PEM private-key headers and for the
 * raw private value of every key the run made. The one allowed place is a KeyPair's
 * `privateKeyPem` output, which the engine encrypts because of `additionalSecretOutputs` (a
 * request field the mock ignores, so it is asserted separately).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devTopology } from "./dev-stack";
import { keyMaterialPaths, privateValueHex } from "./key-material";
import { type Registration, settled, startMocks } from "./mock-run";

const KEY_PAIR = "pulumi-nodejs:dynamic/bcos:KeyPair";

let registrations: Registration[];
let needles: string[];
let program: typeof import("../../index");
let outputDir: string;

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-secrets-"));
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": outputDir });
  program = await import("../../index");
  await settled();
  needles = registrations.filter((r) => r.type === KEY_PAIR).map((r) => privateValueHex(r.outputs.privateKeyPem as string));
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

const keyPairs = () => registrations.filter((r) => r.type === KEY_PAIR);
/** Where each registration holds key material, as `<name> inputs.x` / `<name> outputs.x`. */
function leaks(options: { openSecrets?: boolean; exemptKeyPairs: boolean }): string[] {
  return registrations.flatMap((r) => {
    const exempt = options.exemptKeyPairs && r.type === KEY_PAIR && r.additionalSecretOutputs.includes("privateKeyPem");
    return [
      ...keyMaterialPaths(r.inputs, { needles, openSecrets: options.openSecrets }).map((p) => `${r.name} inputs.${p}`),
      ...keyMaterialPaths(r.outputs, { needles, openSecrets: options.openSecrets, allowed: (p) => exempt && p === "privateKeyPem" }).map(
        (p) => `${r.name} outputs.${p}`,
      ),
    ];
  });
}

describe("private keys stay secret", () => {
  it("makes every key as a KeyPair whose privateKeyPem the engine must keep secret", () => {
    // 2 chain CAs; per agency 3 RSA + 4 EC; per node 3 EC.
    expect(keyPairs()).toHaveLength(2 + 4 * 7 + 5 * 3);
    for (const r of keyPairs()) expect(r.additionalSecretOutputs, r.name).toContain("privateKeyPem");
    expect(new Set(needles).size).toBe(needles.length);
  });

  it("registers no input or output holding key material outside a secret", () => {
    expect(leaks({ exemptKeyPairs: true })).toEqual([]);
  });

  it("exports no key material in the stack outputs", async () => {
    const wire = await pulumi.runtime.serializeProperties("stack", { nodes: program.nodes, agencies: program.agencies, groups: program.groups });
    expect(keyMaterialPaths(wire, { needles })).toEqual([]);
  });

  it("finds the key material that is there (so the search can fail)", () => {
    // The KeyPair outputs, unexempted: every key once.
    expect(leaks({ exemptKeyPairs: false })).toHaveLength(keyPairs().length);
    // Inside the secrets: issuer keys passed to certificates and the keys packed into packages.
    const inSecrets = leaks({ exemptKeyPairs: true, openSecrets: true });
    expect(inSecrets).toContain("chain-ca-cert inputs.issuerPrivateKeyPem");
    expect(inSecrets.some((p) => /^agencyA-package inputs\.files\[\d+\]\.content$/.test(p))).toBe(true);
  });
});

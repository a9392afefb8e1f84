/**
 * Component outputs that carry private keys are Pulumi secrets, so anything a user derives from
 * them (exports, other resources' inputs) stays encrypted. KeyPair resources are not components:
 * their `privateKeyPem` is protected by `additionalSecretOutputs` (see program-secrets.test.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Consortium } from "../../components";
import type { CredentialOutputs } from "../../components/credential";
import { devModel } from "./dev-stack";
import { settled, startMocks } from "./mock-run";

let consortium: Consortium;
let outputDir: string;

beforeAll(async () => {
  await startMocks({});
  const { Consortium } = await import("../../components");
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-components-"));
  consortium = new Consortium("consortium", { model: devModel(), outputDir });
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

/** Every credential a component exposes, by a readable name. */
function credentials(): [string, CredentialOutputs | undefined][] {
  const { authority, agencies, nodes } = consortium;
  return [
    ["chain.std", authority.std],
    ["chain.gm", authority.gm],
    ...Object.entries(agencies).flatMap(([name, a]): [string, CredentialOutputs | undefined][] => [
      [`${name}.std`, a.std],
      [`${name}.gm`, a.gm],
      [`${name}.channelCa`, a.channelCa],
      [`${name}.sdkChannel`, a.sdkChannel],
      [`${name}.sdkGmSign`, a.sdkGmSign],
      [`${name}.sdkGmEnc`, a.sdkGmEnc],
    ]),
    ...Object.entries(nodes).flatMap(([name, n]): [string, CredentialOutputs | undefined][] => [
      [`${name}.std`, n.std],
      [`${name}.gmSign`, n.gmSign],
      [`${name}.gmEnc`, n.gmEnc],
      [`${name}.channel`, n.channel],
    ]),
  ];
}

it("exposes every credential of the GM dev chain", () => {
  const missing = credentials().filter(([, c]) => c === undefined);
  expect(missing.map(([name]) => name)).toEqual([]);
  expect(credentials()).toHaveLength(2 + 4 * 6 + 5 * 4);
});

it("marks every private key a component exposes as secret, and certificates not", async () => {
  for (const [name, c] of credentials()) {
    expect(await pulumi.isSecret(c!.privateKeyPem), `${name}.privateKeyPem`).toBe(true);
    expect(await pulumi.isSecret(c!.certPem), `${name}.certPem`).toBe(false);
  }
});

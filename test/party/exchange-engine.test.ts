/**
 * The `{ stacks }` exchange under the real engine: a committee stack and an agencyD stack of the
 * same project on one file backend, running the miniature party programs (test/party/party-programs.ts).
 * Shows what only the engine shows: the providers load through the delegating provider, the
 * `bundle` output is plain (a StackReference reads it), the rounds converge and then preview
 * with no changes, and each party's exported state holds no key of the other.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPrivateKey } from "../../infra/crypto/keys";
import {
  type EngineStack,
  engineEnvironment,
  environmentWithoutPulumi,
  installEngine,
  type PulumiOnStack,
  pulumiOnStack,
  startEngineStack,
} from "../rig/engine-project";

const REPO = join(__dirname, "..", "..");
const TOPOLOGY = {
  chain: { id: 1, smCrypto: true, install: false },
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyD: { nodes: { node5: { host: "server", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 } } } },
  groups: { 3: { consensus: "pbft", sealers: ["node5"], timestamp: 1700000000000 } },
};
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { topologyFromConfigValue } from "./infra/topology/load";
import { agencyProgram, committeeProgram } from "./test/party/party-programs";
const config = new pulumi.Config("bcos");
const plan = topologyFromConfigValue(config.requireObject("topology"));
const party = config.require("party");
const setting = { kind: "stacks" as const, pattern: "organization/bcos/{party}" };
const log = (line: string) => void pulumi.log.info(line);
export = party === "committee" ? committeeProgram(plan, setting, log) : agencyProgram(plan, party, setting, log);
`;

let engine: EngineStack | undefined;
let parties: Record<"committee" | "agencyD", PulumiOnStack>;

beforeAll(async () => {
  engine = await startEngineStack(REPO, "bcos-party-engine-", "committee", { program: PROGRAM });
  const binDir = await installEngine(REPO, environmentWithoutPulumi());
  const env = engineEnvironment(binDir, engine.work, "bcos-party-engine-");
  parties = { committee: engine, agencyD: pulumiOnStack(binDir, engine.project, env, "agencyD") };
  await engine.pulumiOk(["stack", "init", "agencyD"]);
  for (const party of ["committee", "agencyD"]) {
    const file = join(engine.project, "stacks", `Pulumi.${party}.yaml`);
    writeFileSync(file, yaml.dump({ config: { "bcos:topology": TOPOLOGY, "bcos:party": party } }, { lineWidth: -1 }));
  }
}, 900_000);

afterAll(() => {
  if (engine) rmSync(engine.work, { recursive: true, force: true });
});

const up = (party: keyof typeof parties) => parties[party].pulumiOk(["up", "--yes", "--skip-preview"]);
const outputs = async (party: keyof typeof parties) => JSON.parse((await parties[party].pulumiOk(["stack", "output", "--json"])).stdout);
const exported = async (party: keyof typeof parties) => (await parties[party].pulumiOk(["stack", "export", "--show-secrets"])).stdout;

/** The private keys (PEM) of a stack's KeyPair resources, from its exported state. */
function privateKeys(exportText: string): string[] {
  type Secret = string | { plaintext: string };
  const state = JSON.parse(exportText) as { deployment: { resources: { type: string; outputs?: { privateKeyPem?: Secret } }[] } };
  // --show-secrets writes a secret as { <sig>: …, plaintext: <JSON text of the value> }.
  const plain = (v: Secret) => (typeof v === "string" ? v : (JSON.parse(v.plaintext) as string));
  return state.deployment.resources.filter((r) => r.type.endsWith("bcos:KeyPair")).map((r) => plain(r.outputs!.privateKeyPem!));
}

/** What would give a key away in a text: its scalar (hex) and the first line of its PEM body. */
function traces(keys: string[]): string[] {
  return keys.flatMap((k) => [
    loadPrivateKey(k).scalarHex!,
    k
      .split("\n")
      .find((l) => l && !l.startsWith("-----"))!
      .toLowerCase(),
  ]);
}

describe("stacks exchange under the real engine", () => {
  it("round 1: each party says what it waits for and from whom, and exits 0", async () => {
    const committee = await up("committee");
    expect(committee.stdout).toContain("committee is waiting for agencyD: its bundle (certificate requests, node IDs)");
    const agency = await up("agencyD");
    expect(agency.stdout).toContain("agencyD is waiting for committee: agency certificate for agencyD, GM agency certificate for agencyD, genesis of group 3");
    expect((await outputs("agencyD")).waitingFor).toEqual({
      committee: ["agency certificate for agencyD", "GM agency certificate for agencyD", "genesis of group 3"],
    });
  }, 900_000);

  it("round 2 converges; then both preview with no changes", async () => {
    await up("committee");
    await up("agencyD");
    expect((await outputs("committee")).waitingFor).toEqual({});
    const agency = await outputs("agencyD");
    expect(agency.waitingFor).toEqual({});
    // Plain (not "[secret]"): what a StackReference of another party reads.
    expect(JSON.parse(agency.bundle).signature.signer).toBe("certificate:gmagency.crt");
    for (const party of ["committee", "agencyD"] as const) await parties[party].pulumiOk(["preview", "--expect-no-changes"]);
  }, 900_000);

  it("custody: each party's state holds only its own private keys; no bundle output holds one", async () => {
    const committee = await exported("committee");
    const agency = await exported("agencyD");
    const committeeKeys = privateKeys(committee);
    const agencyKeys = privateKeys(agency);
    expect([committeeKeys.length, agencyKeys.length]).toEqual([2, 3]);
    for (const t of traces(agencyKeys)) expect(committee.toLowerCase()).not.toContain(t);
    for (const t of traces(committeeKeys)) expect(agency.toLowerCase()).not.toContain(t);
    // The check can see a key: each party's own keys are in its own export.
    for (const k of agencyKeys) expect(agency.toLowerCase()).toContain(traces([k])[1]);
    for (const party of ["committee", "agencyD"] as const) {
      const text = (await outputs(party)).bundle as string;
      expect(text).not.toMatch(/PRIVATE KEY/);
      for (const t of traces([...committeeKeys, ...agencyKeys])) expect(text.toLowerCase()).not.toContain(t);
    }
  }, 900_000);
});

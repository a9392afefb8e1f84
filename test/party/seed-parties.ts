/**
 * The seed consortium as five party stacks (committee, agencyA–agencyD) of one project copy on
 * one file backend, running the real program (index.ts) under the real engine: the seed's
 * topology and change, the stacks and their config, rounds of `pulumi up` in the seed's order,
 * and what custody checks read from a state (every private key in it, and whose it is).
 * The chain part (installs on the sshd rig, stand-ins, memberships) plugs in through the
 * placement (hosts and ports) and `writeConfig`'s extra settings.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { loadPrivateKey } from "../../infra/crypto/keys";
import { copyProject, engineEnvironment, environmentWithoutPulumi, installEngine, type PulumiOnStack, pulumiOnStack, type Run } from "../rig/engine-project";

/** The seed's order: the committee first, then the agencies by name. */
export const PARTIES = ["committee", "agencyA", "agencyB", "agencyC", "agencyD"] as const;
export type Party = (typeof PARTIES)[number];

/** Where the seed's nodes are: the hosts block and each node's host and ports. */
export interface SeedPlacement {
  hosts: Record<string, unknown>;
  node(name: string): { host: string; p2pPort: number; channelPort: number; rpcPort: number };
}

/** One local host (never contacted with install: false); node i on p2p base+i, channel base+i, JSON-RPC base+i. */
export function localPlacement(bases: { p2p: number; channel: number; rpc: number }): SeedPlacement {
  return {
    hosts: { server: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/bcos-pulumi/seed-parties" } },
    node: (name) => {
      const i = Number(name.replace("node", ""));
      return { host: "server", p2pPort: bases.p2p + i, channelPort: bases.channel + i, rpcPort: bases.rpc + i };
    },
  };
}

/**
 * The seed before its change (as stacks/Pulumi.dev.yaml): agencyA node0–2, agencyB node3,
 * agencyC node4, agencyD without nodes; group 1 pbft node0–3, group 2 raft node3–4.
 */
export function seedTopology(placement: SeedPlacement, install = false): Record<string, any> {
  const nodes = (...names: string[]) => Object.fromEntries(names.map((n) => [n, placement.node(n)]));
  return {
    chain: { id: 1, smCrypto: true, version: "2.11.1", install },
    hosts: placement.hosts,
    agencies: { agencyA: { nodes: nodes("node0", "node1", "node2") }, agencyB: { nodes: nodes("node3") }, agencyC: { nodes: nodes("node4") }, agencyD: {} },
    groups: {
      "1": { consensus: "pbft", sealers: ["node0", "node1", "node2", "node3"], timestamp: 1700000000000 },
      "2": { consensus: "raft", sealers: ["node3", "node4"], timestamp: 1700000000000 },
    },
  };
}

/**
 * The seed's change, as a new topology: node2 leaves group 1 as a free node, node1 becomes an
 * observer, agencyD's node5 joins group 2 as a sealer, and group 3 (pbft) from node3 and node5.
 */
export function seedChange(before: Record<string, any>, placement: SeedPlacement): Record<string, any> {
  const t = structuredClone(before);
  t.agencies.agencyD = { nodes: { node5: placement.node("node5") } };
  t.groups["1"] = { ...t.groups["1"], sealers: ["node0", "node3"], observers: ["node1"], free: ["node2"] };
  t.groups["2"] = { ...t.groups["2"], sealers: ["node3", "node4", "node5"] };
  t.groups["3"] = { consensus: "pbft", sealers: ["node3", "node5"], timestamp: 1700000000001 };
  return t;
}

/** The engine and one copy of the project in a temp dir, shared by every party stack of a test file. */
export interface PartyEngine {
  /** The temp dir: project/, state/ (the file backend), pulumi-home/, and the parties' folders. */
  work: string;
  project: string;
  binDir: string;
  env: NodeJS.ProcessEnv;
}

export async function startPartyEngine(repoRoot: string, prefix: string): Promise<PartyEngine> {
  const binDir = await installEngine(repoRoot, environmentWithoutPulumi());
  const work = mkdtempSync(join(tmpdir(), prefix));
  const project = join(work, "project");
  copyProject(repoRoot, project);
  return { work, project, binDir, env: engineEnvironment(binDir, work, prefix) };
}

export type ExchangeKind = "dir" | "stacks";

/** Five party stacks named `<kind>-<party>` exchanging by `kind`, each with its own outputDir. */
export interface SeedParties {
  readonly kind: ExchangeKind;
  /** The `bcos:exchange` value every party has. */
  readonly exchange: { dir: string } | { stacks: string };
  stack(party: Party): PulumiOnStack;
  stackName(party: Party): string;
  outputDir(party: Party): string;
  /** Writes the party's stack file: its copy of the topology, bcos:party, bcos:exchange, bcos:outputDir and `extra` settings. */
  writeConfig(party: Party, topology: Record<string, unknown>, extra?: Record<string, unknown>): void;
  up(party: Party): Promise<Run>;
  outputs(party: Party): Promise<Record<string, any>>;
  /** `pulumi stack export --show-secrets`, parsed. */
  exported(party: Party): Promise<unknown>;
}

export async function initSeedParties(engine: PartyEngine, kind: ExchangeKind): Promise<SeedParties> {
  const stackName = (party: Party) => `${kind}-${party}`;
  const bundles = join(engine.work, `${kind}-bundles`);
  mkdirSync(bundles, { recursive: true });
  // Pulumi's file backend names every stack organization/<project>/<stack>.
  const exchange = kind === "dir" ? { dir: bundles } : { stacks: `organization/bcos/${kind}-{party}` };
  const stacks = Object.fromEntries(PARTIES.map((p) => [p, pulumiOnStack(engine.binDir, engine.project, engine.env, stackName(p))])) as Record<
    Party,
    PulumiOnStack
  >;
  for (const p of PARTIES) await stacks[p].pulumiOk(["stack", "init", stackName(p)]);
  const outputDir = (party: Party) => join(engine.work, `${kind}-out`, party);
  return {
    kind,
    exchange,
    stack: (p) => stacks[p],
    stackName,
    outputDir,
    writeConfig(party, topology, extra = {}) {
      const config = { "bcos:topology": topology, "bcos:party": party, "bcos:exchange": exchange, "bcos:outputDir": outputDir(party), ...extra };
      writeFileSync(join(engine.project, "stacks", `Pulumi.${stackName(party)}.yaml`), yaml.dump({ config }, { lineWidth: -1 }));
    },
    up: (p) => stacks[p].pulumiOk(["up", "--yes", "--skip-preview"]),
    outputs: async (p) => JSON.parse((await stacks[p].pulumiOk(["stack", "output", "--json"])).stdout),
    exported: async (p) => JSON.parse((await stacks[p].pulumiOk(["stack", "export", "--show-secrets"])).stdout),
  };
}

/** One round: `pulumi up` by every party in the seed's order; each must exit 0. */
export async function round(parties: SeedParties): Promise<Record<Party, Run>> {
  const runs = {} as Record<Party, Run>;
  for (const p of PARTIES) runs[p] = await parties.up(p);
  return runs;
}

/** What a round showed: each party's run and its `waitingFor` output after it. */
export interface RoundResult {
  runs: Record<Party, Run>;
  waitingFor: Record<Party, Record<string, string[]>>;
}

/** Rounds until no party waits for anything (at most `max`); every round is returned. */
export async function roundsUntilConverged(parties: SeedParties, max: number): Promise<RoundResult[]> {
  const rounds: RoundResult[] = [];
  while (rounds.length < max) {
    const runs = await round(parties);
    const waitingFor = {} as RoundResult["waitingFor"];
    for (const p of PARTIES) waitingFor[p] = (await parties.outputs(p)).waitingFor;
    rounds.push({ runs, waitingFor });
    if (PARTIES.every((p) => Object.keys(waitingFor[p]).length === 0)) return rounds;
  }
  throw new Error(`not converged after ${max} rounds; still waiting: ${JSON.stringify(rounds.at(-1)?.waitingFor)}`);
}

/** A private key met in a state, named by where it sits. */
export interface FoundKey {
  /** The resource's URN and the property path. */
  where: string;
  /** Its public key (SPKI PEM): the same key in any encoding gives the same text. */
  publicKeyPem: string;
  /** EC keys: the private scalar (64 hex), what would give the key away in any text. */
  scalarHex?: string;
}

const PEM_PRIVATE = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g;

/**
 * Every private key anywhere in an exported state (resource inputs and outputs, stack outputs),
 * with secrets opened (`--show-secrets` writes a secret as { <sig>, plaintext: <JSON text> }).
 */
export function privateKeysIn(state: unknown): FoundKey[] {
  const found: FoundKey[] = [];
  const walk = (value: unknown, where: string): void => {
    if (typeof value === "string") {
      for (const m of value.matchAll(PEM_PRIVATE)) {
        const { keyPair, scalarHex } = loadPrivateKey(m[0]);
        found.push({ where, publicKeyPem: keyPair.publicKeyPem, ...(scalarHex ? { scalarHex } : {}) });
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`));
    } else if (value && typeof value === "object") {
      const o = value as Record<string, unknown>;
      if (typeof o.plaintext === "string") return walk(JSON.parse(o.plaintext), where);
      for (const [k, v] of Object.entries(o)) walk(v, `${where}.${k}`);
    }
  };
  const resources = (state as { deployment: { resources?: { urn: string }[] } }).deployment.resources ?? [];
  for (const r of resources) walk(r, r.urn);
  return found;
}

/** The KeyPair resources of a state: the keys the party made, by resource name. */
export function keyPairsIn(state: unknown): Record<string, FoundKey> {
  const resources =
    (state as { deployment: { resources?: { urn: string; type: string; outputs?: { privateKeyPem?: unknown } }[] } }).deployment.resources ?? [];
  const pairs: Record<string, FoundKey> = {};
  for (const r of resources.filter((x) => x.type.endsWith("bcos:KeyPair"))) {
    const [key] = privateKeysIn({ deployment: { resources: [{ urn: r.urn, outputs: r.outputs }] } });
    pairs[r.urn.split("::").at(-1)!] = key;
  }
  return pairs;
}

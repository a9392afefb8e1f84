/**
 * The seed as a consortium of five party stacks (committee, agencyA–agencyD) under the REAL engine,
 * running the real program (index.ts) with `chain.install: false`, once with a `dir` exchange and
 * once with a `stacks` exchange: rounds of `pulumi up` in the seed's order converge (waiting
 * parties say what they wait for and exit 0), then every party previews no changes; the same
 * after the seed's change (node2 freed, node1 an observer, agencyD's node5 joins group 2, group 3
 * from node3 and node5). Custody: each party's exported state holds exactly its own private keys,
 * no published bundle or output holds any, and every group's genesis agrees across parties.
 * Installs and memberships (the chain) are not part of it yet.
 *
 * Own port range (in the topology only; nothing listens yet): p2p 35300+, channel 25300+, JSON-RPC 13300+.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTarGz } from "../components/tar-reader";
import {
  type ExchangeKind,
  initSeedParties,
  keyPairsIn,
  localPlacement,
  PARTIES,
  type Party,
  type PartyEngine,
  privateKeysIn,
  type RoundResult,
  type SeedParties,
  roundsUntilConverged,
  seedChange,
  seedTopology,
  startPartyEngine,
} from "./seed-parties";

const REPO = join(__dirname, "..", "..");
const PLACEMENT = localPlacement({ p2p: 35300, channel: 25300, rpc: 13300 });
const BEFORE = seedTopology(PLACEMENT);
const AFTER = seedChange(BEFORE, PLACEMENT);
const AGENCIES = PARTIES.filter((p) => p !== "committee");
const NODES_OF = (topology: Record<string, any>, agency: string): string[] => Object.keys(topology.agencies[agency].nodes ?? {});

let engine: PartyEngine | undefined;

beforeAll(async () => {
  engine = await startPartyEngine(REPO, "bcos-seed-parties-");
}, 20 * 60_000);

afterAll(() => {
  if (engine && !process.env.BCOS_RIG_KEEP) rmSync(engine.work, { recursive: true, force: true });
});

describe.each(["dir", "stacks"] as ExchangeKind[])("the seed as five party stacks over a %s exchange (real engine, chain.install: false)", (kind) => {
  let parties: SeedParties;
  let genesisBefore: Record<number, string> = {};

  beforeAll(async () => {
    parties = await initSeedParties(engine!, kind);
    for (const p of PARTIES) parties.writeConfig(p, BEFORE);
  }, 120_000);

  const previewAll = async () => {
    for (const p of PARTIES) await parties.stack(p).pulumiOk(["preview", "--expect-no-changes"]);
  };

  it(
    "rounds in the seed's order converge (the waiting say for what and from whom, and exit 0); then no party has changes",
    async () => {
      const rounds = await roundsUntilConverged(parties, 4);
      const [first] = rounds;
      expect(first.runs.committee.stdout).toContain(
        "committee is waiting for agencyA: its bundle (certificate requests, node IDs); agencyB: its bundle (certificate requests, node IDs);",
      );
      expect(first.runs.agencyD.stdout).toContain("agencyD is waiting for committee: agency certificate for agencyD, GM agency certificate for agencyD");
      expect(first.waitingFor.agencyA).toMatchObject({ committee: expect.arrayContaining(["genesis of group 1"]) });
      expect(rounds.length).toBeLessThanOrEqual(3);
      await previewAll();
      await expectCustody(parties, BEFORE);
      genesisBefore = await expectGenesisAgrees(parties, BEFORE);
    },
    30 * 60_000,
  );

  it(
    "the seed's change in every copy: rounds converge again, node5's agency gets its package, no party has changes; custody and genesis hold",
    async () => {
      for (const p of PARTIES) parties.writeConfig(p, AFTER);
      const rounds: RoundResult[] = await roundsUntilConverged(parties, 4);
      // agencyD publishes node5's ID after the committee's turn: the committee waits for it for group 3.
      expect(rounds[0].runs.committee.stdout).toContain("committee is waiting for agencyD: node ID of node5 (sealer of group 3)");
      expect(rounds.length).toBeLessThanOrEqual(3);
      await previewAll();
      await expectCustody(parties, AFTER);
      const after = await expectGenesisAgrees(parties, AFTER);
      // Frozen: the change made group 3's genesis and left groups 1 and 2 as they were.
      expect([after[1], after[2]]).toEqual([genesisBefore[1], genesisBefore[2]]);
      expect(existsSync(join(parties.outputDir("agencyD"), "agencyD.tar.gz"))).toBe(true);
    },
    30 * 60_000,
  );
});

/**
 * Each party's state holds exactly its own private keys: the committee's the chain CA keys (std
 * and GM); agency X's only keys it made (named for X or one of its nodes), with each node's three.
 * No state holds a trace of another party's key, and no bundle or stack output holds any key.
 */
async function expectCustody(parties: SeedParties, topology: Record<string, any>): Promise<void> {
  const states = {} as Record<Party, unknown>;
  for (const p of PARTIES) states[p] = await parties.exported(p);
  const own = Object.fromEntries(PARTIES.map((p) => [p, keyPairsIn(states[p])])) as Record<Party, ReturnType<typeof keyPairsIn>>;
  expect(Object.keys(own.committee).sort()).toEqual(["chain-ca-key", "chain-gmca-key"]);
  for (const agency of AGENCIES) {
    const nodes = NODES_OF(topology, agency);
    for (const name of Object.keys(own[agency]))
      expect(
        [agency, ...nodes].some((n) => name.startsWith(`${n}-`)),
        `${agency} holds ${name}`,
      ).toBe(true);
    for (const n of nodes) expect(Object.keys(own[agency])).toEqual(expect.arrayContaining([`${n}-node-key`, `${n}-gmnode-key`, `${n}-gmennode-key`]));
    expect(Object.keys(own[agency])).toEqual(expect.arrayContaining([`${agency}-agency-key`, `${agency}-gmagency-key`]));
  }
  const allKeys = PARTIES.flatMap((p) => Object.values(own[p]).map((k) => ({ party: p, ...k })));
  for (const p of PARTIES) {
    const mine = new Set(Object.values(own[p]).map((k) => k.publicKeyPem));
    // Every private key anywhere in the state (inputs too: issuer keys, package files) is the party's own.
    for (const found of privateKeysIn(states[p])) expect(mine.has(found.publicKeyPem), `${p}'s state holds another party's key at ${found.where}`).toBe(true);
    const text = JSON.stringify(states[p]).toLowerCase();
    for (const other of allKeys.filter((k) => k.party !== p && k.scalarHex)) {
      expect(text.includes(other.scalarHex!), `${p}'s state holds ${other.party}'s key ${other.where}`).toBe(false);
    }
    const published = [
      JSON.stringify(await parties.outputs(p)),
      ...(parties.kind === "dir" ? [readFileSync(join((parties.exchange as { dir: string }).dir, `${p}.bundle`), "utf8")] : []),
    ];
    for (const t of published) {
      expect(t).not.toMatch(/PRIVATE KEY/);
      for (const k of allKeys.filter((x) => x.scalarHex))
        expect(t.toLowerCase().includes(k.scalarHex!), `${p} publishes ${k.party}'s key ${k.where}`).toBe(false);
    }
  }
}

/** Each group's genesis: the committee's GroupGenesis text, byte for byte in every package of an agency with a node in the group. */
async function expectGenesisAgrees(parties: SeedParties, topology: Record<string, any>): Promise<Record<number, string>> {
  type Resource = { type: string; urn: string; outputs?: { genesis?: string; groupId?: number } };
  const committee = (await parties.exported("committee")) as { deployment: { resources: Resource[] } };
  const made = Object.fromEntries(
    committee.deployment.resources.filter((r) => r.type.endsWith("bcos:GroupGenesis")).map((r) => [r.outputs!.groupId!, r.outputs!.genesis!]),
  );
  expect(Object.keys(made).sort()).toEqual(Object.keys(topology.groups).sort());
  for (const agency of AGENCIES) {
    const nodes = NODES_OF(topology, agency);
    if (nodes.length === 0) continue;
    const files = readTarGz(readFileSync(join(parties.outputDir(agency), `${agency}.tar.gz`)));
    for (const [id, g] of Object.entries(topology.groups as Record<string, { sealers: string[]; observers?: string[]; free?: string[] }>)) {
      for (const node of nodes.filter((n) => [...g.sealers, ...(g.observers ?? []), ...(g.free ?? [])].includes(n))) {
        const entry = [...files].find(([name]) => name.endsWith(`${node}/conf/group.${id}.genesis`));
        expect(entry?.[1].text, `${agency}'s package: ${node}/conf/group.${id}.genesis`).toBe(made[Number(id)]);
      }
    }
  }
  return made;
}

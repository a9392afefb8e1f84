/**
 * The program's party modes (createCommittee, createAgencyParty: what index.ts runs with
 * `bcos:party`) as three stacks with their own state (stateful mocks, real providers), exchanging
 * bundles through a folder: they converge in rounds to each agency's handover package on disk,
 * then a round changes nothing; no party holds or publishes another's private key; an agency
 * whose copy adds a node to a group is refused before anything is registered.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { createAgencyParty } from "../../components/party-agency-stack";
import { createCommittee } from "../../components/party-committee";
import { loadPrivateKey } from "../../infra/crypto/keys";
import { assertPublicOnly, readBundle } from "../../infra/exchange/bundle";
import { approvedPlanOf } from "../../infra/party/party-bundles";
import type { ExchangeSetting } from "../../infra/party/settings";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { type RunResult, runStack, stacks, stateText, unchanged } from "./stateful-mocks";

const host = { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } };
const node = (i: number) => ({ host: "server", p2pPort: 30400 + i, channelPort: 20400 + i, rpcPort: 8600 + i });
const topology = (extra: Record<string, unknown> = {}) => ({
  chain: { id: 1, smCrypto: true, install: false },
  hosts: host,
  agencies: { agencyA: { nodes: { node0: node(0), node1: node(1) } }, agencyB: { nodes: { node2: node(2), ...extra } } },
  groups: {
    1: { consensus: "pbft", sealers: ["node0", "node1", "node2"], timestamp: 1700000000000 },
    2: { consensus: "raft", sealers: ["node2"], observers: ["node1"], timestamp: 1700000000001 },
  },
});
const PLAN: Model = validateTopology(topology());
const validity = { validityDays: 3650, renewBeforeDays: 30 };
const names = { committee: "org/bcos/modes-committee", agencyA: "org/bcos/modes-agencyA", agencyB: "org/bcos/modes-agencyB" };
type Party = keyof typeof names;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function privateKeysOf(stack: string): string[] {
  return [...(stacks.get(stack)?.resources.values() ?? [])].filter((r) => r.type.endsWith("bcos:KeyPair")).map((r) => r.outputs.privateKeyPem as string);
}

/** What would give a key away in a text: its scalar (hex) and the first line of its PEM body. */
const marksOf = (keys: string[]) =>
  keys.flatMap((k) =>
    [
      loadPrivateKey(k).scalarHex ?? "",
      k
        .split("\n")
        .find((l) => l && !l.startsWith("-----"))!
        .toLowerCase(),
    ].filter((m) => m),
  );

describe("party modes over a dir exchange: committee, agencyA, agencyB (stateful mocks)", () => {
  const bundles = mkdtempSync(path.join(tmpdir(), "bcos-party-modes-"));
  const outputDir = mkdtempSync(path.join(tmpdir(), "bcos-party-modes-out-"));
  dirs.push(bundles, outputDir);
  const exchange: ExchangeSetting = { kind: "dir", dir: bundles };
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const program = (party: Party, model: Model = PLAN) =>
    (party === "committee"
      ? () => createCommittee({ model, exchange, validity, log })
      : () => createAgencyParty({ model, agency: party, exchange, validity, outputDir, log })) as unknown as () => Promise<
      Record<string, pulumi.Input<unknown>>
    >;
  const round = async () => {
    const runs = {} as Record<Party, RunResult>;
    for (const party of ["committee", "agencyA", "agencyB"] as const) runs[party] = await runStack(names[party], program(party));
    return runs;
  };
  const history: Record<Party, RunResult>[] = [];

  it("round 1: the committee publishes its chain CA and plan; the agencies their requests and node IDs, waiting for certificates", async () => {
    history.push(await round());
    const [first] = history;
    expect(first.committee.outputs.waitingFor).toEqual({
      agencyA: ["its bundle (certificate requests, node IDs)"],
      agencyB: ["its bundle (certificate requests, node IDs)"],
    });
    expect(first.agencyA.outputs.waitingFor).toMatchObject({ committee: expect.arrayContaining(["agency certificate for agencyA"]) });
    // agencyA ran before agencyB published: it waits for node2's ID (group 1) too.
    expect(logs).toContain(
      "agencyA is waiting for committee: agency certificate for agencyA, GM agency certificate for agencyA, genesis of group 1, genesis of group 2; agencyB: node ID of node2 (it made what it could; run pulumi up again after they publish)",
    );
    const committee = readBundle(readFileSync(path.join(bundles, "committee.bundle"), "utf8"), "committee.bundle", { party: "committee", plan: PLAN });
    expect(approvedPlanOf(committee, "committee.bundle")).toEqual(JSON.parse(JSON.stringify(PLAN)));
    expect(first.agencyA.outputs.package).toBeUndefined();
  });

  it("rounds 2-3: certificates, genesis and packages; then every party previews no changes", async () => {
    history.push(await round());
    history.push(await round());
    const last = await round();
    for (const party of ["committee", "agencyA", "agencyB"] as const) {
      expect(last[party].outputs.waitingFor, party).toEqual({});
      expect(unchanged(last[party]), `${party}: ${JSON.stringify(last[party].steps)}`).toBe(true);
    }
    expect(last.committee.outputs.groups).toEqual([
      expect.objectContaining({ groupId: 1, timestamp: 1700000000000 }),
      expect.objectContaining({ groupId: 2, timestamp: 1700000000001 }),
    ]);
    for (const agency of ["agencyA", "agencyB"] as const) {
      const file = path.join(outputDir, `${agency}.tar.gz`);
      expect(last[agency].outputs.package).toBe(`${outputDir}/${agency}.tar.gz`);
      expect(existsSync(file), file).toBe(true);
    }
    // The genesis an agency rendered is the committee's: the same sealer IDs the agencies published.
    const ids = { ...(last.agencyA.outputs.nodeIds as object), ...(last.agencyB.outputs.nodeIds as object) } as Record<string, string>;
    const groups = last.committee.outputs.groups as { groupId: number; sealerIds: string[] }[];
    expect(groups[0].sealerIds).toEqual([ids.node0, ids.node1, ids.node2]);
  });

  it("custody: each state holds only its party's private keys; no bundle or published output holds any", () => {
    const keys = Object.fromEntries((Object.keys(names) as Party[]).map((p) => [p, privateKeysOf(names[p])])) as Record<Party, string[]>;
    // Chain CAs (std + GM); agency keys (std + GM) + per node std, GM sign, GM enc + the channel ones.
    expect(keys.committee).toHaveLength(2);
    const all = Object.values(keys).flat();
    for (const party of Object.keys(names) as Party[]) {
      const state = stateText(names[party]).toLowerCase();
      for (const other of (Object.keys(names) as Party[]).filter((p) => p !== party)) {
        for (const mark of marksOf(keys[other])) expect(state, `${other}'s key in ${party}'s state`).not.toContain(mark);
      }
      const published = JSON.stringify(stacks.get(names[party])!.exports);
      expect(published).not.toMatch(/PRIVATE KEY/);
      const file = readFileSync(path.join(bundles, `${party}.bundle`), "utf8");
      expect(file).not.toMatch(/PRIVATE KEY/);
      expect(() =>
        assertPublicOnly(
          file,
          all.filter((k) => loadPrivateKey(k).scalarHex),
        ),
      ).not.toThrow();
    }
  });

  it("an agency whose copy adds a node to a group is refused before anything is registered, naming the difference", async () => {
    const copy = validateTopology({
      ...topology({ node3: node(3) }),
      groups: { ...topology().groups, 2: { consensus: "raft", sealers: ["node2", "node3"], observers: ["node1"], timestamp: 1700000000001 } },
    });
    const before = stateText(names.agencyB);
    await expect(runStack(names.agencyB, program("agencyB", copy))).rejects.toThrow(/agencyB: node3 in group 2 is not in the committee's approved plan/);
    expect(stateText(names.agencyB)).toBe(before);
  });
});

/**
 * A committee over a `{ stacks }` exchange reads its own last bundle (its own stack's `bundle`
 * output), as a `{ dir }` committee reads `<dir>/committee.bundle`: a group's genesis it froze
 * stays declared when the plan adds a sealer that has no ID yet (as in the seed's change, agencyD's
 * node5 joining group 2), and the certificates it issued stay while an agency's stack publishes no
 * bundle. Party modes of the program under stateful mocks (real providers); the ports are only
 * in the topology (nothing listens): p2p 30710+, channel 20710+, JSON-RPC 8910+.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { createAgencyParty } from "../../components/party-agency-stack";
import { createCommittee } from "../../components/party-committee";
import { readBundle } from "../../infra/exchange/bundle";
import type { ExchangeSetting } from "../../infra/party/settings";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { runStack, stacks, unchanged } from "./stateful-mocks";

const node = (i: number) => ({ host: "server", p2pPort: 30710 + i, channelPort: 20710 + i, rpcPort: 8910 + i });
const topology = (withNode2: boolean) => ({
  chain: { id: 1, smCrypto: true, install: false },
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyA: { nodes: { node0: node(0) } }, agencyB: { nodes: { node1: node(1), ...(withNode2 ? { node2: node(2) } : {}) } } },
  groups: { 1: { consensus: "pbft", sealers: ["node0", "node1", ...(withNode2 ? ["node2"] : [])], timestamp: 1700000000000 } },
});
const BEFORE: Model = validateTopology(topology(false));
/** agencyB's node2 joins group 1 as a sealer: in the plan before agencyB published its ID. */
const AFTER: Model = validateTopology(topology(true));
const validity = { validityDays: 3650, renewBeforeDays: 30 };
const PARTIES = ["committee", "agencyA", "agencyB"] as const;
type Party = (typeof PARTIES)[number];
const exchange: ExchangeSetting = { kind: "stacks", pattern: "org/bcos/own-{party}" };
const stackName = (party: Party) => `org/bcos/own-${party}`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a committee over a stacks exchange reads its own last bundle (stateful mocks)", () => {
  const outputDir = mkdtempSync(path.join(tmpdir(), "bcos-own-bundle-out-"));
  dirs.push(outputDir);
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const run = (party: Party, model: Model = BEFORE) =>
    runStack(
      stackName(party),
      (party === "committee"
        ? () => createCommittee({ model, exchange, validity, log })
        : () => createAgencyParty({ model, agency: party, exchange, validity, outputDir, log })) as unknown as () => Promise<
        Record<string, pulumi.Input<unknown>>
      >,
    );
  const committeeBundle = () =>
    readBundle(stacks.get(stackName("committee"))!.exports.bundle as string, "committee bundle output", { party: "committee", plan: BEFORE });
  let frozen: unknown;

  it("converges first", async () => {
    for (let round = 0; round < 3; round++) for (const p of PARTIES) await run(p);
    for (const p of PARTIES) expect(unchanged(await run(p)), p).toBe(true);
    frozen = committeeBundle().genesis;
    expect(frozen).toEqual([expect.objectContaining({ groupId: 1, timestamp: 1700000000000 })]);
  });

  it("a sealer added to a frozen group before its ID is published: the genesis stays declared as frozen, and stays so once the ID comes", async () => {
    const committee = await run("committee", AFTER);
    expect(committee.steps["group-1-genesis"]).toBe("same");
    // Only the bundle is written again: it publishes the changed plan.
    expect(Object.entries(committee.steps).filter(([name, step]) => step !== "same" && name !== "committee-bundle")).toEqual([]);
    expect(committee.outputs.groups).toEqual(frozen);
    // node2 joins the running group later (a membership step): the committee waits for nothing.
    expect(committee.outputs.waitingFor).toEqual({});
    await run("agencyB", AFTER);
    const again = await run("committee", AFTER);
    expect(again.steps["group-1-genesis"]).toBe("same");
    expect(again.outputs.groups).toEqual(frozen);
    expect(committeeBundle().genesis).toEqual(frozen);
  });

  it("while agencyB's stack publishes no bundle, the committee keeps its certificates and still publishes them", async () => {
    const before = committeeBundle().certificates;
    expect(Object.keys(before)).toEqual(expect.arrayContaining(["agencyB/agency.crt", "agencyB/gmagency.crt"]));
    const agencyB = stacks.get(stackName("agencyB"))!;
    const exports = agencyB.exports;
    agencyB.exports = {};
    try {
      const committee = await run("committee", AFTER);
      expect(unchanged(committee), JSON.stringify(committee.steps)).toBe(true);
      expect(committeeBundle().certificates).toEqual(before);
      expect(committee.outputs.waitingFor).toEqual({ agencyB: ["its bundle (certificate requests, node IDs)"] });
    } finally {
      agencyB.exports = exports;
    }
    expect(unchanged(await run("committee", AFTER))).toBe(true);
  });
});

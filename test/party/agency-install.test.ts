/**
 * Installs in agency mode (createAgencyParty with chain.install in each agency's copy), as three
 * stacks with their own state (stateful mocks; host commands are recorded, not run): each agency
 * installs only its own nodes, in the deployDir it shares with the other agency, rendered from
 * the committee's approved plan and frozen genesis; the binary there goes through the shared
 * placement (never replaced under another stack's nodes); rounds converge to no changes; an
 * agency waiting for a group's genesis leaves its hosts alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { createAgencyParty } from "../../components/party-agency-stack";
import { createCommittee } from "../../components/party-committee";
import { agencyInstallModel } from "../../infra/party/agency-install";
import type { ExchangeSetting } from "../../infra/party/settings";
import { SHARED_BINARY_INSTALL_STDIN, rollingPredecessors } from "../../infra/remote";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { PROVIDERS, unwrapSecrets } from "../components/mock-run";
import { readTarGz } from "../components/tar-reader";
import { type RunResult, runStack, stacks, unchanged } from "./stateful-mocks";

const work = mkdtempSync(path.join(tmpdir(), "bcos-agency-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SHARED_DIR = path.join(work, "fisco");
const BINARY = path.join(work, "fisco-bcos");

// Host commands are recorded only: what each stack would run, and on which host.
for (const type of ["command:local:Command", "command:remote:Command", "command:remote:CopyToRemote"]) {
  PROVIDERS[type] = {
    create: async (inputs: Record<string, unknown>) => ({ id: type, outs: inputs }),
    diff: async (_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) => ({
      changes: JSON.stringify({ ...olds, __provider: 0 }) !== JSON.stringify({ ...news, __provider: 0 }),
    }),
    update: async (_id: string, _olds: unknown, news: Record<string, unknown>) => ({ outs: news }),
  };
}

const node = (i: number) => ({ host: "server", p2pPort: 30500 + i, channelPort: 20500 + i, rpcPort: 8700 + i });
const topology = (deployDir: string, groups: Record<string, unknown> = {}) => ({
  chain: { id: 1, smCrypto: true, install: true, binary: { path: BINARY, sha256: "ab".repeat(32) } },
  hosts: { server: { address: "127.0.0.1", connection: "local", deployDir } },
  agencies: { agencyA: { nodes: { node0: node(0), node1: node(1) } }, agencyB: { nodes: { node2: node(2), node3: node(3) } } },
  groups: {
    1: { consensus: "pbft", sealers: ["node0", "node1", "node2"], timestamp: 1700000000000 },
    2: { consensus: "raft", sealers: ["node2"], observers: ["node1"], timestamp: 1700000000001 },
    ...groups,
  },
});
const PLAN: Model = validateTopology(topology(SHARED_DIR));
const validity = { validityDays: 3650, renewBeforeDays: 30 };
const names = { committee: "org/bcos/inst-committee", agencyA: "org/bcos/inst-agencyA", agencyB: "org/bcos/inst-agencyB" };
type Party = keyof typeof names;

type Stored = { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> };
/** The host commands in a stack's state by resource name. */
const commandsOf = (party: Party): Map<string, Stored> =>
  new Map(
    [...(stacks.get(names[party])?.resources ?? new Map<string, Stored>())]
      .filter(([key]) => key.startsWith("command:"))
      .map(([key, r]) => [key.split("::")[1], unwrapSecrets(r) as Stored]),
  );
const envOf = (line: unknown) => Object.fromEntries([...String(line).matchAll(/ ([a-z_]+)='([^']*)'/g)].map((m) => [m[1], m[2]]));
const packageOf = (stdin: unknown) => readTarGz(Buffer.from(/^node_package='([A-Za-z0-9+/=]+)'$/m.exec(String(stdin))![1], "base64"));

describe("agency stacks install their own nodes in a shared deployDir (stateful mocks, commands recorded)", () => {
  const exchange: ExchangeSetting = { kind: "dir", dir: mkdtempSync(path.join(work, "bundles-")) };
  const program = (party: Party, model: Model = PLAN) =>
    (party === "committee"
      ? () => createCommittee({ model, exchange, validity, log: () => undefined })
      : () =>
          createAgencyParty({
            model,
            agency: party,
            exchange,
            validity,
            outputDir: path.join(work, "out"),
            healthTimeoutSeconds: 30,
            log: () => undefined,
          })) as unknown as () => Promise<Record<string, pulumi.Input<unknown>>>;
  const round = async (models: Partial<Record<Party, Model>> = {}) => {
    const runs = {} as Record<Party, RunResult>;
    for (const party of ["committee", "agencyA", "agencyB"] as const) runs[party] = await runStack(names[party], program(party, models[party]));
    return runs;
  };

  it("installs nothing while an agency waits for its certificates and genesis", async () => {
    await round();
    for (const agency of ["agencyA", "agencyB"] as const) expect([...commandsOf(agency).keys()], agency).toEqual([]);
  });

  it("once certified: each agency installs exactly its own nodes and the shared binary, and a further round changes nothing", async () => {
    await round();
    await round();
    const last = await round();
    for (const party of ["committee", "agencyA", "agencyB"] as const) {
      expect(last[party].outputs.waitingFor, party).toEqual({});
      expect(unchanged(last[party]), `${party}: ${JSON.stringify(last[party].steps)}`).toBe(true);
    }
    const own = { agencyA: ["node0", "node1"], agencyB: ["node2", "node3"] } as const;
    for (const agency of ["agencyA", "agencyB"] as const) {
      const commands = commandsOf(agency);
      const nodes = [...commands.keys()].filter((n) => n.startsWith("install-node-")).map((n) => n.slice("install-node-".length));
      expect(nodes.sort(), agency).toEqual([...own[agency]]);
      // Nothing of this stack names the other agency's node folders.
      for (const [name, c] of commands) {
        for (const other of ["node0", "node1", "node2", "node3"].filter((n) => !(own[agency] as readonly string[]).includes(n))) {
          expect(name, agency).not.toContain(other);
          expect(envOf(c.inputs.create).node ?? "", `${agency} ${name}`).not.toBe(other);
        }
      }
      // What its HostedNodes records is what its removal and destroy may ever act on: its own nodes.
      const record = stacks.get(names[agency])!.resources.get(`pulumi-nodejs:dynamic/bcos:HostedNodes::${agency}-hosted-nodes`)!;
      expect(Object.keys(record.outputs.nodes as object).sort(), agency).toEqual([...own[agency]]);
      const binary = [...commands].filter(([n]) => n.startsWith("install-binary-"));
      expect(binary, agency).toHaveLength(1);
      expect(binary[0][1].inputs.stdin).toBe(SHARED_BINARY_INSTALL_STDIN);
      expect(envOf(binary[0][1].inputs.create)).toMatchObject({ deploy_dir: SHARED_DIR, owner: "bcos/party" });
    }
    // A node folder lists every node of the approved plan as a peer and holds the committee's genesis.
    const node2 = packageOf(commandsOf("agencyB").get("install-node-node2")!.inputs.stdin);
    const ini = node2.get("node2/config.ini")!.text;
    for (const i of [0, 1, 2, 3]) expect(ini).toContain(`127.0.0.1:${30500 + i}`);
    const committeeGenesis = (last.committee.outputs.groups as { groupId: number; sealerIds: string[] }[]).find((g) => g.groupId === 1)!;
    const genesis = node2.get("node2/conf/group.1.genesis")!.text;
    for (const id of committeeGenesis.sealerIds) expect(genesis).toContain(id);
  });

  it("an agency that waits for a new group's genesis leaves its hosts alone (the record holds, nothing removed), then installs again", async () => {
    // The committee approves group 3 of node1 (agencyA) and a new node4 (agencyB): no genesis before node4's ID is published.
    const next = topology(SHARED_DIR, { 3: { consensus: "pbft", sealers: ["node1", "node4"], timestamp: 1700000000002 } });
    (next.agencies.agencyB.nodes as Record<string, unknown>).node4 = node(4);
    const plan = validateTopology(next);
    await runStack(names.committee, program("committee", plan));
    const waiting = await runStack(names.agencyA, program("agencyA", plan));
    expect(waiting.outputs.waitingFor).toEqual({ committee: ["genesis of group 3"], agencyB: ["node ID of node4"] });
    // Its installs leave the program (retainOnDelete: no host is touched); the record is kept, as with install off.
    expect(waiting.steps["agencyA-hosted-nodes"]).toBe("update");
    expect(
      Object.entries(waiting.steps)
        .filter(([, s]) => s === "delete")
        .map(([n]) => n),
    ).not.toContain("agencyA-hosted-nodes");
    const record = stacks.get(names.agencyA)!.resources.get("pulumi-nodejs:dynamic/bcos:HostedNodes::agencyA-hosted-nodes")!;
    expect(record.outputs.departed).toEqual({});
    expect(Object.keys(record.outputs.dormant as object).sort()).toEqual(["node0", "node1"]);
    // agencyB publishes node4, the committee the genesis: agencyA installs again, node1 with group 3.
    await runStack(names.agencyB, program("agencyB", plan));
    await runStack(names.committee, program("committee", plan));
    const back = await runStack(names.agencyA, program("agencyA", plan));
    expect(back.outputs.waitingFor).toEqual({});
    expect(back.steps["install-node-node1"]).toBe("create");
    expect(packageOf(commandsOf("agencyA").get("install-node-node1")!.inputs.stdin).has("node1/conf/group.3.genesis")).toBe(true);
  });
});

describe("the agency's install model", () => {
  it("holds only its own nodes and their hosts, as its copy describes them; the rolling order names no other agency's node", () => {
    const copy = validateTopology(topology("/srv/agencyB-copy"));
    const model = agencyInstallModel(copy, "agencyB");
    expect(model.nodes.map((n) => n.name)).toEqual(["node2", "node3"]);
    expect(model.hosts.map((h) => h.deployDir)).toEqual(["/srv/agencyB-copy"]);
    expect(model.groups).toEqual(copy.groups);
    const order = rollingPredecessors(model, { node0: [1], node1: [1, 2] });
    expect([...order.keys()]).toEqual(["node2", "node3"]);
    expect([...order.values()].flat()).toEqual([]);
  });
});

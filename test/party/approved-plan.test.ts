/**
 * The approved-plan check: a table of what an agency's copy may and may not differ in, and
 * property tests (fast-check, fixed seed) over random local-only edits and random membership edits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertApprovedPlan, planDifferences } from "../../infra/party/approved-plan";
import type { Model, TopologySpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";

const SEED = 20261203;

/** The seed: agencies A–D on one server, group 1 pbft node0–3, group 2 raft node3–4; D's node5 not yet in a group. */
function seedSpec(): TopologySpec {
  const node = (i: number) => ({ host: "server", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i });
  return {
    chain: { id: 1, smCrypto: true },
    hosts: {
      server: { address: "127.0.0.2", connection: { ssh: { user: "committee" } }, deployDir: "/opt/fisco" },
    },
    agencies: {
      agencyA: { nodes: { node0: node(0), node1: node(1) } },
      agencyB: { nodes: { node2: node(2), node3: node(3) } },
      agencyC: { nodes: { node4: node(4) } },
      agencyD: { nodes: { node5: node(5) } },
    },
    groups: {
      1: { consensus: "pbft", sealers: ["node0", "node1", "node2", "node3"], timestamp: 1700000000000 },
      2: { consensus: "raft", sealers: ["node3", "node4"] },
    },
  };
}

function model(edit: (spec: TopologySpec) => void = () => {}): Model {
  const spec = seedSpec();
  edit(spec);
  return validateTopology(spec);
}

const APPROVED = model();
const messages = (copy: Model, party = "agencyD") => planDifferences(APPROVED, copy, party).map((d) => d.message);

describe("planDifferences", () => {
  it("finds none in the committee's own plan", () => {
    expect(planDifferences(APPROVED, model(), "agencyD")).toEqual([]);
    expect(() => assertApprovedPlan(APPROVED, model(), "agencyA")).not.toThrow();
  });

  it("lets an agency differ in what only concerns its machines", () => {
    const copy = model((s) => {
      s.hosts.server = {
        address: "127.0.0.2",
        connection: { ssh: { user: "agencyd", port: 2222, privateKeyConfig: "sshKeyD", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE" } },
        deployDir: "/home/agencyd/fisco",
      };
      s.agencies.agencyD.nodes!.node5 = { host: "server", p2pPort: 30305, channelPort: 21205, rpcPort: 9550 };
      s.chain = { ...s.chain, install: false, deleteDataOnRemove: true };
    });
    expect(messages(copy)).toEqual([]);
  });

  it("treats two spellings of one address as one p2p endpoint, and a renamed host as the same machine", () => {
    const v6 = (address: string) =>
      model((s) => {
        s.hosts = { [address === "::1" ? "server" : "box"]: { address, connection: "local", deployDir: "/opt/fisco" } };
        for (const agency of Object.values(s.agencies)) for (const n of Object.values(agency.nodes!)) n.host = address === "::1" ? "server" : "box";
      });
    expect(planDifferences(v6("::1"), v6("0:0:0:0:0:0:0:1"), "agencyD")).toEqual([]);
  });

  const table: [string, (s: TopologySpec) => void, string[]][] = [
    [
      "its node joins a group the plan does not put it in",
      (s) => s.groups![2].sealers.push("node5"),
      ["node5 in group 2 is not in the committee's approved plan (its copy lists it as a sealer)"],
    ],
    [
      "another agency's node changes role",
      (s) => {
        s.groups![1].sealers = ["node0", "node2", "node3"];
        s.groups![1].observers = ["node1"];
      },
      ["node1 (of agencyA) is an observer in group 1 in its copy, the committee's approved plan says sealer"],
    ],
    [
      "a member is missing from its copy",
      (s) => (s.groups![2].sealers = ["node3"]),
      ["node4 (of agencyC) is a sealer in group 2 in the committee's approved plan but not in its copy"],
    ],
    [
      "it adds a node of its own",
      (s) => (s.agencies.agencyD.nodes!.node6 = { host: "server", p2pPort: 30306, channelPort: 20206, rpcPort: 8551 }),
      ["node6 is not in the committee's approved plan"],
    ],
    ["it drops a node of its own", (s) => (s.agencies.agencyD = {}), ["node5 is in the committee's approved plan but not in its copy"]],
    [
      "it claims another agency's node",
      (s) => {
        delete s.agencies.agencyC.nodes!.node4;
        s.agencies.agencyD.nodes!.node4 = { host: "server", p2pPort: 30304, channelPort: 20204, rpcPort: 8549 };
      },
      ["node4 belongs to agencyD in its copy, the committee's approved plan says agencyC"],
    ],
    ["it adds an agency", (s) => (s.agencies.agencyE = {}), ["agency agencyE is not in the committee's approved plan"]],
    [
      "it moves a p2p port",
      (s) => (s.agencies.agencyD.nodes!.node5.p2pPort = 30399),
      ["node5's p2p endpoint is 127.0.0.2:30399 in its copy, the committee's approved plan says 127.0.0.2:30305"],
    ],
    [
      "it moves a host's address",
      (s) => (s.hosts.server.address = "127.0.0.3"),
      ["node0", "node1", "node2", "node3", "node4", "node5"].map(
        (n, i) => `${n}'s p2p endpoint is 127.0.0.3:3030${i} in its copy, the committee's approved plan says 127.0.0.2:3030${i}`,
      ),
    ],
    ["it adds a group", (s) => (s.groups![3] = { consensus: "pbft", sealers: ["node3", "node5"] }), ["group 3 is not in the committee's approved plan"]],
    ["it drops a group", (s) => delete s.groups![2], ["group 2 is in the committee's approved plan but not in its copy"]],
    [
      "it changes a frozen genesis parameter",
      (s) => (s.groups![2].consensus = "pbft"),
      [`group 2's consensus is "pbft" in its copy, the committee's approved plan says "raft"`],
    ],
    [
      "it pins another genesis timestamp",
      (s) => (s.groups![2].timestamp = 1700000000001),
      ["group 2's timestamp is 1700000000001 in its copy, the committee's approved plan says (not set)"],
    ],
    ["it changes the chain id", (s) => (s.chain!.id = 2), ["chain.id is 2 in its copy, the committee's approved plan says 1"]],
  ];
  for (const [name, edit, expected] of table) {
    it(`refuses when ${name}`, () => {
      expect(messages(model(edit))).toEqual(expected);
    });
  }

  it("refuses a party that is not an agency of the plan", () => {
    expect(messages(model(), "agencyE")).toEqual(["agencyE is not an agency of the committee's approved plan"]);
  });

  it("assertApprovedPlan names the party, each difference and the fix, in one error", () => {
    const copy = model((s) => {
      s.groups![2].sealers.push("node5");
      s.chain!.id = 7;
    });
    let message = "";
    try {
      assertApprovedPlan(APPROVED, copy, "agencyD");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split("\n")).toEqual([
      "agencyD's bcos:topology differs from the committee's approved plan (2):",
      "agencyD: chain.id is 7 in its copy, the committee's approved plan says 1; fix: ask the committee to approve the change in its plan first, or set chain.id to 1",
      "agencyD: node5 in group 2 is not in the committee's approved plan (its copy lists it as a sealer); fix: ask the committee to approve the change in its plan first, or take node5 out of group 2",
    ]);
  });
});

describe("planDifferences properties", () => {
  const nodes = ["node0", "node1", "node2", "node3", "node4", "node5"];
  const agencyOf: Record<string, string> = { node0: "agencyA", node1: "agencyA", node2: "agencyB", node3: "agencyB", node4: "agencyC", node5: "agencyD" };

  it("local-only edits (SSH, deployDir, channel/RPC ports, install settings) never count", () => {
    const edits = fc.record({
      user: fc.option(fc.constantFrom("root", "agencyd", "fisco"), { nil: undefined }),
      sshPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
      deployDir: fc.constantFrom("/opt/fisco", "/home/d/fisco", "/srv/chain"),
      portShift: fc.integer({ min: 1, max: 50 }),
      install: fc.boolean(),
      deleteDataOnRemove: fc.boolean(),
    });
    fc.assert(
      fc.property(edits, fc.constantFrom("agencyA", "agencyB", "agencyC", "agencyD"), (e, party) => {
        const copy = model((s) => {
          s.hosts.server = { address: "127.0.0.2", connection: { ssh: { user: e.user, port: e.sshPort } }, deployDir: e.deployDir };
          for (const agency of Object.values(s.agencies)) {
            for (const n of Object.values(agency.nodes ?? {})) {
              n.channelPort! += 1000 + e.portShift;
              n.rpcPort! += 2000 + e.portShift;
            }
          }
          s.chain = { ...s.chain, install: e.install, deleteDataOnRemove: e.deleteDataOnRemove };
        });
        expect(planDifferences(APPROVED, copy, party)).toEqual([]);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it("any one membership edit is exactly one difference, naming the node and the group", () => {
    const roles = ["sealers", "observers", "free", "none"] as const;
    fc.assert(
      // Every group of the seed keeps a sealer whichever one node is edited, so each case is valid.
      fc.property(
        fc.constantFrom(1, 2),
        fc.constantFrom(...nodes),
        fc.constantFrom(...roles),
        fc.constantFrom("agencyA", "agencyD"),
        (group, node, role, party) => {
          const copy = model((s) => {
            const g = s.groups![group];
            g.sealers = g.sealers.filter((n) => n !== node);
            g.observers = (g.observers ?? []).filter((n) => n !== node);
            g.free = (g.free ?? []).filter((n) => n !== node);
            if (role !== "none") g[role]!.push(node);
          });
          const planned = APPROVED.groups.find((g) => g.id === group)!;
          const before = planned.sealers.includes(node)
            ? "sealers"
            : planned.observers.includes(node)
              ? "observers"
              : planned.free.includes(node)
                ? "free"
                : "none";
          const found = planDifferences(APPROVED, copy, party);
          if (role === before) {
            expect(found).toEqual([]);
          } else {
            expect(found).toHaveLength(1);
            const named = agencyOf[node] === party ? node : `${node} (of ${agencyOf[node]})`;
            expect(found[0].message).toContain(`${named} `);
            expect(found[0].message).toContain(`group ${group}`);
            expect(found[0].path).toBe(`groups.${group}`);
          }
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });
});

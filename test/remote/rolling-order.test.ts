/** rollingPredecessors: which node installs wait for which, so a group's members go one at a time. */
import { describe, expect, it } from "vitest";
import { membershipPredecessors, rollingPredecessors } from "../../infra/remote";
import type { Group, Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { devModel } from "../components/dev-stack";

const asObject = (m: Map<string, string[]>) => Object.fromEntries(m);

function fourNodes(groups: Record<string, { sealers: string[]; observers?: string[]; free?: string[] }>): Model {
  return validateTopology(
    {
      chain: { install: false },
      hosts: { h: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/x" } },
      agencies: { a: { nodes: { n0: { host: "h" }, n1: { host: "h" }, n2: { host: "h" }, n3: { host: "h" } } } },
      groups: Object.fromEntries(Object.entries(groups).map(([id, g]) => [id, { ...g, timestamp: 1700000000000 }])),
    },
    "test",
  );
}

describe("rollingPredecessors", () => {
  it("chains the dev stack's nodes: group 1 node0 → node1 → node2 → node3, group 2 node3 → node4", () => {
    expect(asObject(rollingPredecessors(devModel()))).toEqual({ node0: [], node1: ["node0"], node2: ["node1"], node3: ["node2"], node4: ["node3"] });
  });

  it("orders by the chain's node order, not the group's list, so overlapping groups make no cycle", () => {
    const model = fourNodes({ "1": { sealers: ["n2", "n0", "n1"] }, "2": { sealers: ["n3", "n1"], observers: ["n0"] } });
    // group 1: n0 → n1 → n2; group 2: n0 → n1 → n3.
    expect(asObject(rollingPredecessors(model))).toEqual({ n0: [], n1: ["n0"], n2: ["n1"], n3: ["n1"] });
  });

  it("keeps a sealer declared an observer in the chain: it still seals until the membership change after the installs", () => {
    // Before: n3 (an observer now) had no predecessor, so a binary change restarted n3 and n0 at once: 2 of 4 up.
    const model = fourNodes({ "1": { sealers: ["n0", "n1", "n2"], observers: ["n3"] } });
    expect(asObject(rollingPredecessors(model))).toEqual({ n0: [], n1: ["n0"], n2: ["n1"], n3: ["n2"] });
  });

  it("keeps free nodes in the chain (a sealer declared free is still one until the membership change)", () => {
    const model = fourNodes({ "1": { sealers: ["n0", "n1", "n2"], free: ["n3"] } });
    expect(rollingPredecessors(model).get("n3")).toEqual(["n2"]);
  });

  it("keeps a node taken out of a group in that group's chain when it was declared in it before (HostedNodes' seen)", () => {
    const model = fourNodes({ "1": { sealers: ["n0", "n1", "n2"] }, "2": { sealers: ["n3"] } });
    expect(rollingPredecessors(model).get("n3")).toEqual([]);
    expect(asObject(rollingPredecessors(model, { n3: [1, 2] }))).toEqual({ n0: [], n1: ["n0"], n2: ["n1"], n3: ["n2"] });
  });

  it("ignores recorded nodes that are no longer in the topology, and groups that are", () => {
    const model = fourNodes({ "1": { sealers: ["n0", "n1"] } });
    expect(asObject(rollingPredecessors(model, { gone: [1], n3: [7] }))).toEqual({ n0: [], n1: ["n0"], n2: [], n3: [] });
  });

  it("leaves nodes without a folder on their host out of every chain: they are only started, so a first install runs at once", () => {
    expect(asObject(rollingPredecessors(devModel(), {}, new Set()))).toEqual({ node0: [], node1: [], node2: [], node3: [], node4: [] });
  });

  it("chains the installed nodes around a new one: node2 waits for node0 when node1 has no folder yet", () => {
    const order = rollingPredecessors(devModel(), {}, new Set(["node0", "node2", "node3", "node4"]));
    expect(asObject(order)).toEqual({ node0: [], node1: [], node2: ["node0"], node3: ["node2"], node4: ["node3"] });
  });

  it("for random groups, histories and installed sets: no cycle, and every pair of a group's installed members (declared or seen) is ordered", () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const names = Array.from({ length: 8 }, (_, i) => `n${i}`);
    for (let round = 0; round < 300; round++) {
      const groups: Group[] = [];
      for (let id = 1; id <= 1 + random(4); id++) {
        const roles = names.map(() => random(5)); // 0-1: none, 2: sealer, 3: observer, 4: free
        const having = (r: number) => names.filter((_, i) => roles[i] === r);
        groups.push({ id, sealers: having(2), observers: having(3), free: having(4), genesis: {} as Group["genesis"] });
      }
      const model = { nodes: names.map((name) => ({ name })), groups } as unknown as Model;
      const seen = Object.fromEntries(names.filter(() => random(3) === 0).map((n) => [n, [1 + random(4)]]));
      const mayStop = round % 2 ? undefined : new Set(names.filter(() => random(3) !== 0));
      const order = rollingPredecessors(model, seen, mayStop);
      // Acyclic: a depth-first walk never meets a node on its own path.
      const state = new Map<string, "open" | "done">();
      const visit = (n: string): void => {
        expect(state.get(n), `cycle through ${n} in round ${round}`).not.toBe("open");
        if (state.get(n) === "done") return;
        state.set(n, "open");
        order.get(n)!.forEach(visit);
        state.set(n, "done");
      };
      names.forEach(visit);
      // A node its install never stops waits for no one, and no one waits for it.
      for (const n of names.filter((n) => mayStop && !mayStop.has(n))) {
        expect(order.get(n), `${n} in round ${round}`).toEqual([]);
        for (const m of names) expect(order.get(m), `${m} waits for ${n} in round ${round}`).not.toContain(n);
      }
      // Every two members of a group are ordered: one (transitively) waits for the other.
      const waitsFor = (a: string, b: string): boolean => order.get(a)!.some((p) => p === b || waitsFor(p, b));
      for (const g of groups) {
        const members = new Set(
          [...g.sealers, ...g.observers, ...g.free, ...Object.keys(seen).filter((n) => seen[n].includes(g.id))].filter((n) => !mayStop || mayStop.has(n)),
        );
        const list = [...members];
        for (let i = 0; i < list.length; i++) {
          for (let j = i + 1; j < list.length; j++)
            expect(waitsFor(list[i], list[j]) || waitsFor(list[j], list[i]), `${list[i]} and ${list[j]} in group ${g.id}`).toBe(true);
        }
      }
    }
  });
});

describe("membershipPredecessors", () => {
  it("lets groups with no node in common change at once, and orders groups sharing a node by id", () => {
    const model = fourNodes({ "1": { sealers: ["n0", "n1"] }, "2": { sealers: ["n2", "n3"] }, "3": { sealers: ["n1"], observers: ["n3"] } });
    expect(Object.fromEntries(membershipPredecessors(model))).toEqual({ 1: [], 2: [], 3: [1, 2] });
  });

  it("counts a node declared in a group before (seen) as sharing it", () => {
    const model = fourNodes({ "1": { sealers: ["n0", "n1"] }, "2": { sealers: ["n2", "n3"] } });
    expect(Object.fromEntries(membershipPredecessors(model, { n1: [1, 2] }))).toEqual({ 1: [], 2: [1] });
  });

  it("the dev stack: group 2 (node3, node4) waits for group 1, which holds node3", () => {
    expect(Object.fromEntries(membershipPredecessors(devModel()))).toEqual({ 1: [], 2: [1] });
  });
});

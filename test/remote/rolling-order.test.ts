/** rollingPredecessors: which node installs wait for which, so a group's sealers go one at a time. */
import { describe, expect, it } from "vitest";
import { rollingPredecessors } from "../../infra/remote";
import { validateTopology } from "../../infra/topology/validate";
import { devModel } from "../components/dev-stack";

const asObject = (m: Map<string, string[]>) => Object.fromEntries(m);

describe("rollingPredecessors", () => {
  it("chains the dev stack's sealers: group 1 node0 → node1 → node2 → node3, group 2 node3 → node4", () => {
    expect(asObject(rollingPredecessors(devModel()))).toEqual({ node0: [], node1: ["node0"], node2: ["node1"], node3: ["node2"], node4: ["node3"] });
  });

  it("orders by the chain's node order, not the group's list, so overlapping groups make no cycle", () => {
    const model = validateTopology(
      {
        chain: { install: false },
        hosts: { h: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/x" } },
        agencies: { a: { nodes: { n0: { host: "h" }, n1: { host: "h" }, n2: { host: "h" }, n3: { host: "h" } } } },
        groups: {
          "1": { sealers: ["n2", "n0", "n1"], timestamp: 1700000000000 },
          "2": { sealers: ["n3", "n1"], observers: ["n0"], timestamp: 1700000000000 },
        },
      },
      "test",
    );
    // group 1: n0 → n1 → n2; group 2: n1 → n3; observers wait for nobody.
    expect(asObject(rollingPredecessors(model))).toEqual({ n0: [], n1: ["n0"], n2: ["n1"], n3: ["n1"] });
  });
});

/**
 * The record of every node ID a stack has had (recordNodes, NodeRegistry's check) and the model
 * whose config.ini files blacklist the revoked ones (withRevokedNodes).
 */
import { describe, expect, it } from "vitest";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { parseConfigIni } from "../../infra/fisco/parse";
import { nodeRegistryProvider, type NodeRegistryOutputs } from "../../infra/providers/node-registry-provider";
import { recordNodes, withRevokedNodes } from "../../infra/topology/revoked-nodes";
import { devModel } from "../components/dev-stack";

const ID = (c: string) => c.repeat(128);

describe("recordNodes", () => {
  it("keeps every ID ever declared, first seen first, and revokes those no node declares now", () => {
    const first = recordNodes([], { node1: ID("1"), node0: ID("0") });
    expect(first).toEqual({
      known: [
        { name: "node0", nodeId: ID("0") },
        { name: "node1", nodeId: ID("1") },
      ],
      revoked: [],
    });
    const second = recordNodes(first.known, { node1: ID("1"), node2: ID("2") });
    expect(second.known.map((k) => k.name)).toEqual(["node0", "node1", "node2"]);
    expect(second.revoked).toEqual([ID("0")]);
  });

  it("does not revoke a node made free (still declared) nor one declared again with the same key", () => {
    const gone = recordNodes(recordNodes([], { node0: ID("0"), node1: ID("1") }).known, { node0: ID("0") });
    expect(gone.revoked).toEqual([ID("1")]);
    const back = recordNodes(gone.known, { node0: ID("0"), node1: ID("1") });
    expect(back.revoked).toEqual([]);
    expect(back.known).toEqual(gone.known);
  });

  it("revokes the old ID of a node declared again with a new key", () => {
    const r = recordNodes(recordNodes([], { node1: ID("1") }).known, { node1: ID("a") });
    expect(r.revoked).toEqual([ID("1")]);
  });
});

describe("NodeRegistry check", () => {
  const check = async (olds: NodeRegistryOutputs | undefined, nodes: Record<string, string>) =>
    (await nodeRegistryProvider.check!(olds ?? {}, { nodes })).inputs as NodeRegistryOutputs;

  it("settles a revocation one run after it was made: the first install pass of that run must not cut the node off", async () => {
    const a = await check(undefined, { node0: ID("0"), node1: ID("1") });
    const b = await check(a, { node0: ID("0") });
    expect([b.revoked, b.settled]).toEqual([[ID("1")], []]);
    const c = await check(b, { node0: ID("0") });
    expect([c.revoked, c.settled]).toEqual([[ID("1")], [ID("1")]]);
    expect((await nodeRegistryProvider.diff!("node-registry", c, await check(c, { node0: ID("0") }))).changes).toBe(false);
  });
});

describe("withRevokedNodes", () => {
  it("renders the same config.ini as before when nothing is revoked", () => {
    const model = devModel();
    expect(withRevokedNodes(model, [])).toBe(model);
    expect(renderConfigIni(withRevokedNodes(model, []), "node0")).toBe(renderConfigIni(model, "node0"));
  });

  it("lists the topology's own IDs first, then revoked IDs it lacks, each once, lower-case", () => {
    const model = devModel();
    model.chain.certificateBlacklist = [ID("c")];
    const revoked = withRevokedNodes(model, [ID("b"), ID("C").toLowerCase(), ID("D")]);
    expect(parseConfigIni(renderConfigIni(revoked, "node1")).blacklist).toEqual([ID("c"), ID("b"), ID("d")]);
    expect(model.chain.certificateBlacklist).toEqual([ID("c")]);
  });
});

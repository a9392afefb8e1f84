import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopologyFile, parseTopologyYaml, TopologyError, validateTopology } from "../../infra/topology";
import { baseTopology } from "./invalid-cases";

function errorOf(run: () => unknown): TopologyError {
  try {
    run();
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw error;
  }
  throw new Error("expected a TopologyError");
}

describe("YAML input", () => {
  it("reports a syntax error with the file, line and column", () => {
    const text = "hosts:\n  local:\n    address: 127.0.0.1\n   deployDir: /opt\n";
    const error = errorOf(() => parseTopologyYaml(text, "topo.yaml"));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].path).toMatch(/^topo\.yaml:4:\d+$/);
    expect(error.issues[0].message).toContain("YAML syntax error");
    expect(error.message).toContain("topo.yaml");
    expect(error.message).toContain("line 4");
  });

  it("reports a duplicate key as a syntax error", () => {
    const error = errorOf(() => parseTopologyYaml("hosts: {}\nagencies: {}\nhosts: {}\n", "dup.yaml"));
    expect(error.issues[0].path).toMatch(/^dup\.yaml:3:/);
    expect(error.issues[0].message).toContain("duplicated mapping key");
  });

  it("reads unquoted dates as text, not as timestamps", () => {
    const text = "chain: {install: false}\nhosts: {}\nagencies: {}\ngroups: {1: {sealers: [n], timestamp: 2024-01-01}}\n";
    const issue = errorOf(() => parseTopologyYaml(text, "t.yaml")).issues.find((i) => i.path === "groups.1.timestamp");
    expect(issue?.value).toBe("2024-01-01");
  });

  it("names a stack file that lacks bcos:topology", () => {
    const error = errorOf(() => parseTopologyYaml("config:\n  bcos:outputDir: ./out\n", "Pulumi.x.yaml"));
    expect(error.issues[0]).toMatchObject({ path: "config.bcos:topology", value: undefined });
    expect(error.message).toContain("Pulumi.x.yaml");
  });

  it("ignores the other keys of a stack file", () => {
    const text = [
      "encryptionsalt: v1:abc",
      "config:",
      "  bcos:outputDir: ./out/dev",
      "  bcos:topology:",
      "    chain: {install: false}",
      "    hosts: {h: {address: 127.0.0.1, connection: local, deployDir: /opt/f}}",
      "    agencies: {a: {nodes: {n: {host: h}}}}",
    ].join("\n");
    expect(parseTopologyYaml(text, "Pulumi.s.yaml").nodes.map((n) => n.name)).toEqual(["n"]);
  });
});

describe("order", () => {
  const body = [
    "chain: {install: false}",
    "hosts: {h: {address: 127.0.0.1, connection: local, deployDir: /opt/f}}",
    "agencies: {zeta: {nodes: {n2: {host: h}, n1: {host: h}}}, alpha: {nodes: {n0: {host: h}}}}",
  ];
  const indent = (lines: string[]) => lines.map((l) => `    ${l}`);

  it("keeps file order in a standalone topology", () => {
    const model = parseTopologyYaml(body.join("\n"), "t.yaml");
    expect(model.nodes.map((n) => [n.name, n.p2pPort])).toEqual([
      ["n2", 30300],
      ["n1", 30301],
      ["n0", 30302],
    ]);
  });

  it("reads a stack file in name order, as Pulumi delivers structured config", () => {
    const model = parseTopologyYaml(["config:", "  bcos:topology:", ...indent(body)].join("\n"), "Pulumi.s.yaml");
    expect(model.agencies.map((a) => a.name)).toEqual(["alpha", "zeta"]);
    expect(model.nodes.map((n) => [n.name, n.p2pPort])).toEqual([
      ["n0", 30300],
      ["n1", 30301],
      ["n2", 30302],
    ]);
  });
});

describe("files", () => {
  it("loads a file from disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "topology-"));
    const path = join(dir, "t.yaml");
    writeFileSync(path, "chain: {install: false}\nhosts: {}\nagencies: {a: {}}\n");
    expect(loadTopologyFile(path).agencies).toEqual([{ name: "a", nodes: [] }]);
  });

  it("reports a missing file as a topology error", () => {
    const error = errorOf(() => loadTopologyFile("/nonexistent/topology.yaml"));
    expect(error.issues[0]).toMatchObject({ path: "/nonexistent/topology.yaml" });
    expect(error.message).toContain("ENOENT");
  });
});

describe("TopologyError", () => {
  it("lists every problem, one per line, as '<path>: <problem> (got <value>). Fix: <fix>'", () => {
    const t = baseTopology();
    t.groups["2"].sealers = ["node0", "node9"];
    t.chain.id = -1;
    t.hosts.remote.deployDir = "relative";
    const error = errorOf(() => validateTopology(t, "case.yaml"));
    expect(error.issues.map((i) => i.path)).toEqual(["chain.id", "hosts.remote.deployDir", "groups.2.sealers[1]"]);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Invalid topology in case.yaml (3 problems):");
    expect(lines).toContain(
      'groups.2.sealers[1]: unknown node "node9" (got "node9"). Fix: declare node9 under agencies.<agency>.nodes or remove it from the list',
    );
    expect(lines).toHaveLength(4);
    expect(error.source).toBe("case.yaml");
  });
});

/**
 * A node's folder on its host (`nodes.<name>.folder`, default the name): the one function every
 * install, removal, check and membership step uses, its validation (a plain folder name, no
 * slash, not hidden, not the binary's place, unique per machine and deployDir), the host scripts'
 * commands (unchanged for a node without one) and the HostedNodes record refusing a folder change
 * as a move. Pure: nothing runs.
 */
import { describe, expect, it } from "vitest";
import { createHostedNodesProvider, type HostedNodesOutputs, type PlacedNode } from "../../infra/providers/hosted-nodes-provider";
import { installedNodesCommand, nodeInstallCommand, nodeRemovalScript } from "../../infra/remote";
import { TopologyError, validateTopology } from "../../infra/topology";
import { folderProblem, nodeDir, nodeFolder } from "../../infra/topology/node-folder";

const topology = (nodes: Record<string, object>, hosts: Record<string, object> = {}) => ({
  chain: { id: 1, smCrypto: true, version: "2.11.1" },
  hosts: {
    a: { address: "10.0.0.1", connection: "local", deployDir: "/srv/a" },
    b: { address: "10.0.0.2", connection: { ssh: { user: "fisco", privateKeyConfig: "k" } }, deployDir: "/srv/b" },
    ...hosts,
  },
  agencies: { agency: { nodes } },
  groups: { "1": { sealers: Object.keys(nodes), timestamp: 1700000000000 } },
});
function issuesOf(spec: unknown) {
  try {
    validateTopology(spec, "test");
  } catch (e) {
    if (e instanceof TopologyError) return e.issues;
    throw e;
  }
  return [];
}

describe("nodeFolder", () => {
  it("is the node's name unless the topology gives a folder", () => {
    expect(nodeFolder({ name: "node0" })).toBe("node0");
    expect(nodeFolder({ name: "a-node0", folder: "node0" })).toBe("node0");
    expect(nodeDir("/srv/a", { name: "n", folder: "node_10.0.0.1_30300" })).toBe("/srv/a/node_10.0.0.1_30300");
  });

  it("is read from the topology; a folder equal to the name is no folder (the model stays as before)", () => {
    const model = validateTopology(
      topology({ "a-node0": { host: "a", folder: "node0" }, "b-node0": { host: "b", folder: "node0" }, node1: { host: "a", folder: "node1" } }),
      "test",
    );
    expect(model.nodes.map((n) => [n.name, n.folder])).toEqual([
      ["a-node0", "node0"],
      ["b-node0", "node0"],
      ["node1", undefined],
    ]);
    expect(Object.keys(model.nodes[2])).not.toContain("folder");
  });
});

describe("folder validation", () => {
  it.each([
    ["", "is empty"],
    ["a/b", "contains '/'"],
    ["..", "starts with '.'"],
    [".removed", "starts with '.'"],
    ["node 0", 'contains " "'],
    ["$(x)", 'contains "$"'],
    ["-rf", "starts with '-'"],
    ["fisco-bcos", "the node binary's place"],
  ])("refuses %j (%s)", (folder, message) => {
    expect(folderProblem(folder)?.message).toContain(message);
    const [issue, ...more] = issuesOf(topology({ node0: { host: "a", folder } }));
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ path: "agencies.agency.nodes.node0.folder", value: folder });
    expect(issue.fix).toBeTruthy();
  });

  it("accepts generator's and build_chain's folder names", () => {
    expect(folderProblem("node_10.0.0.5_30300")).toBeUndefined();
    expect(folderProblem("node0")).toBeUndefined();
  });

  it("refuses two nodes sharing a folder on one machine and deployDir, naming both; other deployDirs or machines are fine", () => {
    const issues = issuesOf(topology({ node0: { host: "a" }, x: { host: "a", folder: "NODE0" } }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "agencies.agency.nodes.x.folder", value: "NODE0" });
    expect(issues[0].message).toContain("x and node0 would share the folder NODE0");
    // Another host entry for the same machine and deployDir (10.0.0.1 is the local host's address).
    const same = issuesOf(
      topology({ p: { host: "a", folder: "f" }, q: { host: "a2", folder: "f" } }, { a2: { address: "10.0.0.1", connection: "local", deployDir: "/srv/a" } }),
    );
    expect(same.map((i) => i.path)).toEqual(["agencies.agency.nodes.q.folder"]);
    expect(issuesOf(topology({ p: { host: "a", folder: "f" }, q: { host: "b", folder: "f" } }))).toEqual([]);
  });
});

describe("host scripts", () => {
  const install = { deployDir: "/srv/a", node: "n", rpcPort: 8545, healthTimeoutSeconds: 60, binaryRevision: "r", owner: "p/s" };
  const removal = { deployDir: "/srv/a", node: "n", nodeId: "ab", owner: "p/s", deleteData: false };

  it("carry node_folder only for a node whose folder is not its name: other commands are byte-identical", () => {
    expect(nodeInstallCommand({ ...install, folder: "n" })).toBe(nodeInstallCommand(install));
    expect(nodeInstallCommand({ ...install, folder: "node_10.0.0.1_30300" })).toContain("node_folder='node_10.0.0.1_30300'");
    expect(nodeInstallCommand(install)).not.toContain("node_folder");
    expect(nodeRemovalScript({ ...removal, folder: "n" })).toBe(nodeRemovalScript(removal));
    expect(nodeRemovalScript({ ...removal, folder: "node0" })).toContain("node_folder='node0'");
  });

  it("the installed check looks in the node's folder", () => {
    const command = installedNodesCommand([{ access: "local", deployDir: "/srv/a", nodes: ["a-node0", "n1"], folders: { "a-node0": "node0" } }]);
    expect(command).toContain("if [ -e '/srv/a/node0/config.ini' ]; then echo 'a-node0'; fi");
    expect(command).toContain("if [ -e '/srv/a/n1/config.ini' ]; then echo 'n1'; fi");
  });
});

describe("HostedNodes record", () => {
  const hosted = createHostedNodesProvider({ log: () => undefined });
  const placed = (folder?: string): PlacedNode => ({
    site: "local /srv/a",
    deployDir: "/srv/a",
    ...(folder ? { folder } : {}),
    address: "10.0.0.1",
    connection: { kind: "local" },
    nodeId: "ab",
    deleteData: false,
    groups: [1],
  });
  const inputs = (node: PlacedNode) => ({ install: true, owner: "p/s", nodes: { n: node }, moved: [], sshPrivateKeys: {} });

  it("refuses a changed folder as a move, with the old and new folders in the steps", async () => {
    const before = (await hosted.check!({}, inputs(placed("node0")))).inputs as HostedNodesOutputs;
    expect((await hosted.check!(before, inputs(placed("node0")))).failures).toBeUndefined();
    const r = await hosted.check!(before, inputs(placed()));
    expect(r.failures?.[0].reason).toContain("copy /srv/a/node0 to /srv/a/n on the new host");
    const moved = await hosted.check!(before, { ...inputs(placed()), moved: ["n"] });
    expect(moved.failures).toBeUndefined();
  });
});

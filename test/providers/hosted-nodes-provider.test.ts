/**
 * HostedNodes and NodeRemoval providers, called directly: the placement record (a move refused
 * with the steps by hand, a rename accepted, groups seen, departed nodes), chain.install turned
 * off (hosts left alone, said in a warning), and removals run on this machine against folders
 * with and without this stack's marker.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHostedNodesProvider, type HostedNodesInputs, type HostedNodesOutputs, type PlacedNode } from "../../infra/providers/hosted-nodes-provider";
import { createNodeRemovalProvider, type NodeRemovalInputs } from "../../infra/providers/node-removal-provider";

const OWNER = "bcos/test";
const ID = (n: number) => String(n).repeat(128).slice(0, 128);
let root: string;
const logs: { message: string; warning: boolean }[] = [];
const log = (message: string, warning = false) => void logs.push({ message, warning });
const hosted = createHostedNodesProvider({ log });
const removal = createNodeRemovalProvider({ log });

const ssh = (port = 22) => ({ kind: "ssh" as const, port, user: "fisco", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOnlyForTests" });
function node(partial: Partial<PlacedNode> & { address: string; deployDir: string }, id: number, groups: number[]): PlacedNode {
  const connection = partial.connection ?? ssh();
  const machine = connection.kind === "local" ? "local" : `${partial.address}:${connection.port}`;
  return { site: `${machine} ${partial.deployDir}`, connection, nodeId: ID(id), deleteData: false, groups, ...partial };
}
const inputs = (nodes: Record<string, PlacedNode>, more: Partial<HostedNodesInputs> = {}): HostedNodesInputs => ({
  install: true,
  owner: OWNER,
  nodes,
  moved: [],
  sshPrivateKeys: { "10.0.0.1": "key-1", "10.0.0.2": "key-2" },
  ...more,
});
async function checked(olds: HostedNodesInputs | undefined, news: HostedNodesInputs): Promise<HostedNodesOutputs> {
  const r = await hosted.check!(olds ?? {}, news);
  if (r.failures?.length) throw new Error(r.failures.map((f) => f.reason).join("\n"));
  return r.inputs as HostedNodesOutputs;
}

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), "bcos-hosted-nodes-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("HostedNodes: where nodes live", () => {
  const first = inputs({ n0: node({ address: "10.0.0.1", deployDir: "/srv/a" }, 1, [1]), n1: node({ address: "10.0.0.2", deployDir: "/srv/a" }, 2, [1, 2]) });

  it("records each node's site and the groups it is declared in; nothing departed", async () => {
    const out = await checked(undefined, first);
    expect(out.seen).toEqual({ n0: [1], n1: [1, 2] });
    expect(out.departed).toEqual({});
    expect(out.dormant).toEqual({});
  });

  it("accepts a renamed host: the site is the same, and the record does not change", async () => {
    const before = await checked(undefined, first);
    const after = await checked(before, first);
    expect(await hosted.diff!("hosted-nodes", before, after)).toEqual({ changes: false });
  });

  it("refuses a node moving to another address or deployDir, naming both places and the steps to move it by hand", async () => {
    const before = await checked(undefined, first);
    const moved = inputs({ ...first.nodes, n1: node({ address: "10.0.0.3", deployDir: "/srv/a" }, 2, [1, 2]) });
    const r = await hosted.check!(before, moved);
    expect(r.failures).toHaveLength(1);
    expect(r.failures![0].property).toBe("nodes");
    const reason = r.failures![0].reason;
    expect(reason).toContain("n1 would move from 10.0.0.2:22, folder /srv/a to 10.0.0.3:22, folder /srv/a");
    expect(reason).toContain("start it from block 0, and run one node ID twice");
    expect(reason).toContain("bash /srv/a/n1/stop.sh on the old host");
    expect(reason).toContain("pulumi config set --path 'bcos:movedNodes[0]' n1");
    const otherFolder = await hosted.check!(before, inputs({ ...first.nodes, n0: node({ address: "10.0.0.1", deployDir: "/srv/b" }, 1, [1]) }));
    expect(otherFolder.failures![0].reason).toContain("n0 would move from 10.0.0.1:22, folder /srv/a to 10.0.0.1:22, folder /srv/b");
  });

  it("accepts the move once the node is listed in bcos:movedNodes", async () => {
    const before = await checked(undefined, first);
    const out = await checked(before, inputs({ ...first.nodes, n1: node({ address: "10.0.0.3", deployDir: "/srv/a" }, 2, [1, 2]) }, { moved: ["n1"] }));
    expect(out.nodes.n1.site).toBe("10.0.0.3:22 /srv/a");
    expect(out.departed).toEqual({});
  });

  it("is no change when only the provider's serialised code differs (another transpiler, a new release)", async () => {
    const before = { ...(await checked(undefined, first)), __provider: "exports.handler = 1" };
    const after = { ...(await checked(before, first)), __provider: "exports.handler = 2" };
    expect(await hosted.diff!("hosted-nodes", before, after)).toEqual({ changes: false });
  });

  it("keeps every group a node has been declared in, so the rolling order still counts it where it sealed before", async () => {
    const before = await checked(undefined, first);
    const out = await checked(before, inputs({ ...first.nodes, n1: { ...first.nodes.n1, groups: [2] } }));
    expect(out.seen.n1).toEqual([1, 2]);
  });

  it("records a node that left the topology as departed, with the login key of a host that left with it", async () => {
    const before = await checked(undefined, first);
    const out = await checked(before, inputs({ n0: first.nodes.n0 }, { sshPrivateKeys: { "10.0.0.1": "key-1" } }));
    const { groups: _g, ...recorded } = first.nodes.n1;
    expect(out.departed).toEqual({ n1: recorded });
    expect(out.sshPrivateKeys).toEqual({ "10.0.0.1": "key-1", "10.0.0.2": "key-2" });
    expect(out.seen).toEqual({ n0: [1] });
    // A departed node that comes back is no longer departed.
    expect((await checked(out, first)).departed).toEqual({});
  });

  it("with chain.install off: forgets the nodes, keeps their sites, says in a warning that hosts are left alone", async () => {
    const before = await checked(undefined, first);
    logs.length = 0;
    const off = await checked(before, inputs({}, { install: false, sshPrivateKeys: {} }));
    expect(off).toMatchObject({ install: false, nodes: {}, departed: {}, seen: {}, sshPrivateKeys: {} });
    expect(off.dormant).toEqual({ n0: { site: "10.0.0.1:22 /srv/a", deployDir: "/srv/a" }, n1: { site: "10.0.0.2:22 /srv/a", deployDir: "/srv/a" } });
    expect(logs).toEqual([
      {
        warning: true,
        message:
          "chain.install is false: hosts are left alone. n0, n1 keep running where they are, with their folders; this stack no longer starts, updates or removes them (turning chain.install on again takes them back).",
      },
    ]);
    // Turned on again: a node placed elsewhere meanwhile is still refused.
    const r = await hosted.check!(off, inputs({ ...first.nodes, n0: node({ address: "10.0.0.9", deployDir: "/srv/a" }, 1, [1]) }));
    expect(r.failures?.[0].reason).toContain("n0 would move from 10.0.0.1:22, folder /srv/a to 10.0.0.9:22");
    expect((await checked(off, first)).dormant).toEqual({});
  });

  it("a stack that never installed records nothing and warns about nothing", async () => {
    logs.length = 0;
    expect(await checked(undefined, inputs({}, { install: false }))).toMatchObject({ install: false, nodes: {}, dormant: {} });
    expect(logs).toEqual([]);
  });
});

describe("removals on this machine (NodeRemoval after membership changes, HostedNodes on destroy)", () => {
  let deployDir: string;
  const local = (id: number): PlacedNode => node({ address: "127.0.0.1", deployDir, connection: { kind: "local" } }, id, []);
  const folder = (name: string, marker: string | undefined) => {
    mkdirSync(path.join(deployDir, name, "data"), { recursive: true });
    writeFileSync(path.join(deployDir, name, "data", "ledger"), "blocks");
    if (marker !== undefined) writeFileSync(path.join(deployDir, name, ".bcos-pulumi-owner"), marker);
  };
  const ours = (name: string, id: number) => `stack=${OWNER}\nnode=${name}\nnode_id=${ID(id)}\n`;
  const removed = () => (existsSync(path.join(deployDir, ".removed")) ? readdirSync(path.join(deployDir, ".removed")) : []);

  beforeAll(() => {
    deployDir = path.join(root, "deploy 'dir'");
    mkdirSync(deployDir);
  });

  it("NodeRemoval's create records the departures it is given without touching them", async () => {
    folder("old", ours("old", 5));
    const { outs } = await removal.create({ owner: OWNER, departed: { old: local(5) }, sshPrivateKeys: {} });
    expect(outs.departed).toHaveProperty("old");
    expect(existsSync(path.join(deployDir, "old"))).toBe(true);
  });

  it("NodeRemoval's update removes each new departure once: its folder, ledger included, goes to .removed/", async () => {
    folder("n3", ours("n3", 3));
    logs.length = 0;
    const olds: NodeRemovalInputs = { owner: OWNER, departed: { old: local(5) }, sshPrivateKeys: {} };
    const news: NodeRemovalInputs = { owner: OWNER, departed: { old: local(5), n3: local(3) }, sshPrivateKeys: {} };
    expect(await removal.diff!("node-removal", olds, news)).toEqual({ changes: true });
    await removal.update!("node-removal", olds, news);
    expect(existsSync(path.join(deployDir, "n3"))).toBe(false);
    expect(removed().filter((f) => f.startsWith("n3-"))).toHaveLength(1);
    expect(existsSync(path.join(deployDir, "old")), "an earlier departure is not acted on again").toBe(true);
    expect(logs.map((l) => l.message)).toEqual([expect.stringMatching(/^n3: stopped, folder moved to .*\.removed\/n3-\d{8}T\d{6}Z$/)]);
    expect(await removal.diff!("node-removal", news, news)).toEqual({ changes: false });
  });

  it("leaves a folder whose marker names another stack or node ID, with a warning, and succeeds", async () => {
    folder("n4", `stack=bcos/other\nnode=n4\nnode_id=${ID(4)}\n`);
    logs.length = 0;
    await removal.update!("node-removal", { owner: OWNER, departed: {}, sshPrivateKeys: {} }, { owner: OWNER, departed: { n4: local(4) }, sshPrivateKeys: {} });
    expect(existsSync(path.join(deployDir, "n4", "data", "ledger"))).toBe(true);
    expect(logs).toEqual([{ warning: true, message: expect.stringContaining("belongs to stack 'bcos/other'") }]);
  });

  it("fails naming the node, its place and the cause when a removal cannot run, and says what the next run does", async () => {
    const gone: NodeRemovalInputs = { owner: OWNER, departed: { n9: { ...local(9), connection: ssh(1) } }, sshPrivateKeys: {} };
    await expect(removal.update!("node-removal", { owner: OWNER, departed: {}, sshPrivateKeys: {} }, gone)).rejects.toThrow(
      /n9 on 127\.0\.0\.1:1 in .*: no SSH private key is given for host 127\.0\.0\.1[\s\S]*The next pulumi up tries again/,
    );
  });

  it("HostedNodes' delete (pulumi destroy) removes every node it records, only where the marker is this stack's", async () => {
    folder("n5", ours("n5", 5));
    folder("n6", undefined);
    const state = await checked(undefined, inputs({ n5: local(5), n6: local(6) }));
    logs.length = 0;
    await hosted.delete!("hosted-nodes", state);
    expect(existsSync(path.join(deployDir, "n5"))).toBe(false);
    expect(existsSync(path.join(deployDir, "n6", "data", "ledger")), "a folder without a marker stays").toBe(true);
    expect(logs.find((l) => l.warning)?.message).toContain("has no .bcos-pulumi-owner");
  });

  it("HostedNodes' delete with chain.install off touches nothing", async () => {
    folder("n7", ours("n7", 7));
    const off = await checked(await checked(undefined, inputs({ n7: local(7) })), inputs({}, { install: false }));
    await hosted.delete!("hosted-nodes", off);
    expect(existsSync(path.join(deployDir, "n7", "data", "ledger"))).toBe(true);
  });
});

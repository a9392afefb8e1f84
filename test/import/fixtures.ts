/**
 * The chains the import tests adopt (two groups each, one with an observer) and a scratch
 * bcos-pulumi project to import them into.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { type BuiltChain, buildChainFolder, type FixtureNode, type FixtureSpec, labelOf } from "./chain-fixture";

const node = (folder: string, agency: string, ip: string, i: number): FixtureNode => ({
  folder,
  agency,
  ip,
  p2pPort: 30300 + i,
  channelPort: 20200 + i,
  rpcPort: 8545 + i,
});

function withGroups(spec: Omit<FixtureSpec, "groups">, second: { consensus: "raft" | "rpbft"; sealers: number[]; observer: number }): FixtureSpec {
  const full = { ...spec, groups: [] } as FixtureSpec;
  const labels = spec.nodes.map((n) => labelOf(full, n));
  full.groups = [
    { id: 1, consensus: "pbft", sealers: labels, observers: [], timestamp: 1700000000000 },
    { id: 2, consensus: second.consensus, sealers: second.sealers.map((i) => labels[i]), observers: [labels[second.observer]], timestamp: 1700000001000 },
  ];
  return full;
}

/** build_chain -g with a two-line -f config: agencyA on 127.0.0.1, agencyB on 192.0.2.2 (node0/node1 on each). */
export const buildChainGm = withGroups(
  {
    layout: "build_chain",
    gm: true,
    chainId: 1,
    nodes: [
      node("node0", "agencyA", "127.0.0.1", 0),
      node("node1", "agencyA", "127.0.0.1", 1),
      node("node0", "agencyB", "192.0.2.2", 0),
      node("node1", "agencyB", "192.0.2.2", 1),
    ],
  },
  { consensus: "raft", sealers: [1, 2], observer: 3 },
);

/** build_chain -l 127.0.0.1:4 (one agency, build_chain's default name "agency"), chain id 7. */
export const buildChainStd = withGroups(
  {
    layout: "build_chain",
    gm: false,
    chainId: 7,
    nodes: [0, 1, 2, 3].map((i) => node(`node${i}`, "agency", "127.0.0.1", i)),
  },
  { consensus: "rpbft", sealers: [0, 1, 2], observer: 3 },
);

/** generator -g packages of two organisations; meta/ is agencyA's. */
export const generatorGm = withGroups(
  {
    layout: "generator",
    gm: true,
    chainId: 1,
    nodes: [node("", "agencyA", "127.0.0.1", 0), node("", "agencyA", "127.0.0.1", 1), node("", "agencyB", "192.0.2.2", 0), node("", "agencyB", "192.0.2.2", 1)],
  },
  { consensus: "raft", sealers: [0, 2], observer: 1 },
);

/** generator packages of one organisation, three nodes. */
export const generatorStd = withGroups(
  {
    layout: "generator",
    gm: false,
    chainId: 1,
    nodes: [0, 1, 2].map((i) => node("", "agencyA", "127.0.0.1", i)),
  },
  { consensus: "raft", sealers: [0, 1], observer: 2 },
);

export class Workspace {
  readonly root = mkdtempSync(path.join(tmpdir(), "bcos-import-test-"));
  private count = 0;

  /** Builds `spec` into a fresh folder. */
  chain(spec: FixtureSpec): BuiltChain {
    const dir = this.folder("chain");
    return buildChainFolder(spec, dir);
  }

  /** A copy of a built chain folder, for tests that damage it. */
  copy(built: BuiltChain): BuiltChain {
    const dir = this.folder("copy");
    cpSync(built.dir, dir, { recursive: true });
    const move = (p: string) => path.join(dir, path.relative(built.dir, p));
    return { dir, nodeIds: built.nodeIds, nodeDirs: new Map([...built.nodeDirs].map(([k, v]) => [k, move(v)])) };
  }

  /** An empty bcos-pulumi project (Pulumi.yaml with stackConfigDir: stacks). */
  project(): string {
    const dir = this.folder("project");
    writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bcos\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nstackConfigDir: stacks\n");
    mkdirSync(path.join(dir, "stacks"));
    return dir;
  }

  folder(prefix: string): string {
    const dir = path.join(this.root, `${prefix}-${this.count++}`);
    mkdirSync(dir);
    return dir;
  }

  /** Paths under `dir`, relative. */
  static listing(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

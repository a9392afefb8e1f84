/**
 * An in-memory chain behind the RpcClient methods the membership code calls, for the cases a
 * test must set up exactly (a node stuck at a block, one far behind, one catching up slowly) and
 * that the stand-in cannot hold still. Each node has its own height per group and reads the lists
 * as they were at that height; a committed block reaches every running member of the new lists
 * (sync serves members only), so a removed node stays at the block before its removal and still
 * lists itself, as a real 2.11 node does. Nodes are named n0, n1, …; IDs are derived from names.
 */
import { encodeArguments, splitCallData, functionSelector } from "../../infra/rpc/abi";
import { RpcError, type RpcClient } from "../../infra/rpc/client";
import { decodeTransaction } from "../../infra/rpc/transaction";

export const idOf = (name: string): string => Buffer.from(name.padEnd(64, "."), "utf8").toString("hex");

interface Lists {
  sealers: string[];
  observers: string[];
}

interface Running {
  running: boolean;
  height: number;
  /** Blocks it syncs per RPC call it answers; 0 keeps it where it is. */
  rate: number;
}

export interface FakeNode {
  name: string;
  up: boolean;
  peers: Set<string>;
  groups: Map<number, Running>;
}

const OPERATIONS = ["addSealer", "addObserver", "remove"] as const;

export class FakeChain {
  /** Per group: the lists from each height on, in height order. */
  private readonly history = new Map<number, { from: number; lists: Lists }[]>();
  private readonly tips = new Map<number, number>();
  private readonly receipts = new Map<string, { blockNumber: number }>();
  readonly nodes = new Map<string, FakeNode>();
  /** What happened, in order: "send addObserver n4 via n1 at 100", "n0 at 0 in group 1". */
  readonly events: string[] = [];

  constructor(names: string[]) {
    for (const name of names) this.nodes.set(name, { name, up: true, peers: new Set(names.filter((n) => n !== name)), groups: new Map() });
  }

  /** A group at `height` with `lists` since its genesis, run by every node in the lists and by `alsoRunning`. */
  group(id: number, height: number, lists: Lists, alsoRunning: string[] = []): this {
    this.history.set(id, [{ from: 0, lists }]);
    this.tips.set(id, height);
    for (const name of [...lists.sealers, ...lists.observers, ...alsoRunning]) this.node(name).groups.set(id, { running: true, height, rate: Infinity });
    return this;
  }

  node(name: string): FakeNode {
    const node = this.nodes.get(name);
    if (!node) throw new Error(`no fake node ${name}`);
    return node;
  }

  running(name: string, group: number): Running {
    const running = this.node(name).groups.get(group);
    if (!running) throw new Error(`${name} has no group ${group}`);
    return running;
  }

  isolate(name: string): void {
    for (const node of this.nodes.values()) node.peers.delete(name);
    this.node(name).peers.clear();
  }

  listsAt(group: number, height: number): Lists {
    const history = this.history.get(group) ?? [];
    return [...history].reverse().find((h) => h.from <= height)?.lists ?? { sealers: [], observers: [] };
  }

  tip(group: number): number {
    return this.tips.get(group) ?? 0;
  }

  /** Every running member of the latest lists moves towards the tip at its rate. */
  private sync(): void {
    for (const [group, tip] of this.tips) {
      const { sealers, observers } = this.listsAt(group, tip);
      for (const node of this.nodes.values()) {
        const g = node.groups.get(group);
        if (!node.up || !g?.running || ![...sealers, ...observers].includes(node.name)) continue;
        const height = Math.min(tip, g.height + g.rate);
        if (height !== g.height) this.events.push(`${node.name} at ${height} in group ${group}`);
        g.height = height;
      }
    }
  }

  private commit(group: number, change: (lists: Lists) => Lists): number {
    const height = this.tip(group) + 1;
    this.history.get(group)!.push({ from: height, lists: change(this.listsAt(group, height - 1)) });
    this.tips.set(group, height);
    // Members of the lists before the block receive it; one it removes stays where it was.
    const before = this.listsAt(group, height - 1);
    const after = this.listsAt(group, height);
    for (const node of this.nodes.values()) {
      const g = node.groups.get(group);
      const member = (l: Lists) => [...l.sealers, ...l.observers].includes(node.name);
      if (node.up && g?.running && g.rate > 0 && g.height === height - 1 && member(before) && member(after)) g.height = height;
    }
    return height;
  }

  client(name: string): RpcClient {
    const chain = this;
    const endpoint = { host: "fake", port: 0 };
    const node = () => {
      const n = chain.node(name);
      if (!n.up) throw new RpcError("request", endpoint, undefined, "connect ECONNREFUSED");
      chain.sync();
      return n;
    };
    const member = (method: string, group: number) => {
      const g = node().groups.get(group);
      if (!g?.running) throw new RpcError(method, endpoint, -40001, "GroupID does not exist");
      const lists = chain.listsAt(group, g.height);
      if (![...lists.sealers, ...lists.observers].includes(name))
        throw new RpcError(method, endpoint, -40009, "Don't send request to this node who doesn't belong to the group");
      return { g, lists };
    };
    const ids = (names: string[]) => names.map(idOf);
    const fake = {
      endpoint,
      async getClientVersion() {
        node();
        return { version: "2.11.0", smCrypto: true, supportedVersion: "2.11.0", chainId: 1, raw: {} };
      },
      async getNodeIDList() {
        return [idOf(name), ...ids([...node().peers])];
      },
      async getGroupList() {
        return [...node().groups.keys()].filter((g) => {
          try {
            member("getGroupList", g);
            return true;
          } catch {
            return false;
          }
        });
      },
      async queryGroupStatus(group: number) {
        const g = node().groups.get(group);
        return { code: "0x0", message: "", status: g ? (g.running ? "RUNNING" : "STOPPED") : "INEXISTENT" };
      },
      async startGroup(group: number) {
        const g = node().groups.get(group);
        if (!g) return { code: "0x1", message: "group not found" };
        g.running = true;
        chain.events.push(`${name} starts group ${group} at ${g.height}`);
        return { code: "0x0", message: "" };
      },
      async stopGroup(group: number) {
        const g = node().groups.get(group);
        if (g) g.running = false;
        return { code: "0x0", message: "" };
      },
      async getBlockNumber(group: number) {
        return member("getBlockNumber", group).g.height;
      },
      async getSealerList(group: number) {
        return ids(member("getSealerList", group).lists.sealers);
      },
      async getObserverList(group: number) {
        return ids(member("getObserverList", group).lists.observers);
      },
      async sendRawTransaction(group: number, rawHex: string) {
        const { g } = member("sendRawTransaction", group);
        const tx = decodeTransaction(Buffer.from(rawHex.slice(2), "hex"), true);
        const call = splitCallData(tx.fields.data)!;
        const operation = OPERATIONS.find((op) => functionSelector(`${op}(string)`, true).equals(Buffer.from(call.selector.slice(2), "hex")))!;
        const target = [...chain.nodes.keys()].find((n) => encodeArguments(["string"], [idOf(n)]).equals(call.args))!;
        chain.events.push(`send ${operation} ${target} via ${name} at ${g.height}`);
        if (chain.tip(group) - g.height > 20) throw new RpcError("sendRawTransaction", endpoint, -32000, "ImportResult::NodeIsSyncing");
        const blockNumber = chain.commit(group, ({ sealers, observers }) => {
          const without = (l: string[]) => l.filter((n) => n !== target);
          if (operation === "addSealer") return { sealers: [...without(sealers), target], observers: without(observers) };
          if (operation === "addObserver") return { sealers: without(sealers), observers: [...without(observers), target] };
          return { sealers: without(sealers), observers: without(observers) };
        });
        chain.receipts.set(tx.hash, { blockNumber });
        return tx.hash;
      },
      async getTransactionReceipt(_group: number, hash: string) {
        const r = chain.receipts.get(hash);
        if (!r) return null;
        const output = "0x" + encodeArguments(["int256"], [1n]).toString("hex");
        return { transactionHash: hash, blockNumber: "0x" + r.blockNumber.toString(16), status: "0x0", output, from: "", to: "" };
      },
    };
    return fake as unknown as RpcClient;
  }
}

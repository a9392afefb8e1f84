/**
 * The production RPC client and consensus transactions against stand-in nodes rendered from the
 * dev stack. Ports: 31600+, 21600+, 9800+ (disjoint from the other stand-in test files).
 */
import { copyFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import { RpcClient, RpcError } from "../../infra/rpc/client";
import { addObserver, addSealer, ConsensusError, removeNode } from "../../infra/rpc/consensus";
import { StandinCluster, waitFor } from "../standin/harness";

const GROUP1 = ["node0", "node1", "node2", "node3"];
const ALL = [...GROUP1, "node4"];

/** A local HTTP server answering every request with `handler`; resolves to its port. */
async function fakeNode(handler: http.RequestListener): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe("RPC client on stand-ins", () => {
  const cluster = new StandinCluster();
  const governance = generateEcKeyPair("sm2").privateKeyPem;
  const client = (name: string) => new RpcClient({ host: "127.0.0.1", port: cluster.port(name) });
  const id = (name: string) => cluster.chain.ids[name];
  const ids = (names: string[]) => names.map(id).sort();

  /** Waits until every node in `names` reports `expected` for the list method. */
  async function everyMemberReports(names: string[], method: "getSealerList" | "getObserverList", group: number, expected: string[]): Promise<void> {
    await waitFor(`${method}(${group}) = [${expected.map((e) => e.slice(0, 8)).join(",")}] on ${names.join(",")}`, async () => {
      const answers = await Promise.all(names.map((n) => client(n)[method](group)));
      return answers.every((a) => JSON.stringify([...a].sort()) === JSON.stringify(expected)) ? true : undefined;
    });
  }

  beforeAll(async () => {
    await cluster.render({ p2p: 31600, channel: 21600, rpc: 9800 }, "rpc-client");
    // node4 (group 2 only) also gets group 1's genesis and ini, so it runs group 1 as a free node.
    for (const file of ["group.1.genesis", "group.1.ini"]) {
      copyFileSync(path.join(cluster.chain.dirs.node0, "conf", file), path.join(cluster.chain.dirs.node4, "conf", file));
    }
    cluster.start(ALL);
    await waitFor("node0 to connect to all others", async () => ((await client("node0").getNodeIDList(1)).length === ALL.length ? true : undefined));
  });

  afterAll(async () => {
    await cluster.cleanup();
  });

  it("stand-in: reads the version (GM, chain id), block number, lists, peers, groups and sync status", async () => {
    const node0 = client("node0");
    expect(await node0.getClientVersion()).toMatchObject({ version: "2.11.1", smCrypto: true, supportedVersion: "2.11.1", chainId: 1 });
    expect(await node0.getBlockNumber(1)).toBeGreaterThanOrEqual(0);
    expect((await node0.getSealerList(1)).sort()).toEqual(ids(GROUP1));
    expect(await node0.getObserverList(1)).toEqual([]);
    expect(await node0.getGroupPeers(1)).toEqual(ids(GROUP1));
    const nodeIds = await node0.getNodeIDList(1);
    expect(nodeIds[0]).toBe(id("node0"));
    expect(nodeIds.slice(1).sort()).toEqual(ids(ALL.slice(1)));
    expect((await node0.getPeers(1)).map((p) => p.Node).sort()).toEqual(ALL.slice(1));
    expect(await node0.getGroupList()).toEqual([1]);
    expect(await client("node3").getGroupList()).toEqual([1, 2]);
    const sync = await client("node3").getSyncStatus(2);
    expect(sync).toMatchObject({ nodeId: id("node3"), blockNumber: expect.any(Number), isSyncing: expect.any(Boolean) });
  });

  it("stand-in: JSON-RPC errors carry the method, the endpoint, the code and the node's message", async () => {
    const port = cluster.port("node0");
    const unknownGroup = await client("node0")
      .getBlockNumber(3)
      .catch((e: unknown) => e);
    expect(unknownGroup).toBeInstanceOf(RpcError);
    expect(unknownGroup).toMatchObject({ method: "getBlockNumber", code: -40001, detail: "GroupID does not exist" });
    expect((unknownGroup as Error).message).toBe(`getBlockNumber on 127.0.0.1:${port}: JSON-RPC error -40001: GroupID does not exist`);
    // node4 runs group 1 without a role: the group-member guard answers.
    await expect(client("node4").getSealerList(1)).rejects.toMatchObject({ code: -40009, message: expect.stringContaining("getSealerList on 127.0.0.1:") });
    await expect(client("node0").request("getBlockNumber", ["1"])).rejects.toMatchObject({ code: -32602 });
  });

  it("stand-in: transport failures name the method and the endpoint: refused connection, timeout, HTTP error, not JSON", async () => {
    const closed = await fakeNode(() => undefined);
    await closed.close();
    await expect(new RpcClient({ host: "127.0.0.1", port: closed.port }).getBlockNumber(1)).rejects.toThrow(
      new RegExp(`^getBlockNumber on 127\\.0\\.0\\.1:${closed.port}: connect ECONNREFUSED`),
    );
    const silent = await fakeNode(() => undefined);
    const slow = new RpcClient({ host: "127.0.0.1", port: silent.port }, { timeoutMs: 300 });
    await expect(slow.getClientVersion()).rejects.toThrow(`getClientVersion on 127.0.0.1:${silent.port}: no answer within 300 ms`);
    await silent.close();
    const broken = await fakeNode((_req, res) => {
      res.statusCode = 405;
      res.end("Method Not Allowed");
    });
    await expect(new RpcClient({ host: "127.0.0.1", port: broken.port }).getGroupList()).rejects.toMatchObject({
      code: undefined,
      message: `getGroupList on 127.0.0.1:${broken.port}: HTTP 405: Method Not Allowed`,
    });
    await broken.close();
    const garbled = await fakeNode((_req, res) => res.end("<html>"));
    await expect(new RpcClient({ host: "127.0.0.1", port: garbled.port }).getGroupList()).rejects.toThrow("the response is not JSON: <html>");
    await garbled.close();
  });

  it("stand-in: addObserver, addSealer and removeNode through signed transactions change the lists on every member", async () => {
    const target = { group: 1, nodeId: id("node4"), nodeName: "node4" };
    const observed = await addObserver(client("node0"), governance, target);
    expect(observed).toMatchObject({ affected: 1n, transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    await everyMemberReports(ALL, "getObserverList", 1, [id("node4")]);
    await everyMemberReports(ALL, "getSealerList", 1, ids(GROUP1));

    const sealed = await addSealer(client("node1"), governance, target);
    expect(sealed.blockNumber).toBeGreaterThan(observed.blockNumber);
    await everyMemberReports(ALL, "getSealerList", 1, ids(ALL));
    await everyMemberReports(ALL, "getObserverList", 1, []);

    expect((await removeNode(client("node2"), governance, target)).affected).toBe(1n);
    await everyMemberReports(GROUP1, "getSealerList", 1, ids(GROUP1));
    await waitFor("node4 to be refused as a non-member", async () =>
      (await client("node4")
        .getBlockNumber(1)
        .catch((e: RpcError) => e.code)) === -40009
        ? true
        : undefined,
    );
    // Removing a node that is no longer in the table changes no row.
    expect((await removeNode(client("node3"), governance, target)).affected).toBe(0n);
  });

  it("stand-in: removing the last sealer fails with -51101, named and explained", async () => {
    await removeNode(client("node3"), governance, { group: 2, nodeId: id("node4"), nodeName: "node4" });
    await everyMemberReports(["node3"], "getSealerList", 2, [id("node3")]);
    const error = await removeNode(client("node3"), governance, { group: 2, nodeId: id("node3"), nodeName: "node3" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsensusError);
    expect(error).toMatchObject({ code: -51101n, operation: "removeNode" });
    expect((error as Error).message).toBe(
      `removeNode of node node3 (${id("node3").slice(0, 16)}…) in group 2: refused by the chain (-51101): it is the group's last sealer; a group must keep at least one sealer`,
    );
    await expect(addObserver(client("node3"), governance, { group: 2, nodeId: id("node3") })).rejects.toThrow(/in group 2: refused by the chain \(-51101\)/);
  });

  it("stand-in: a bad node ID fails with -51100, and a key of the wrong curve is refused before sending", async () => {
    const bad = "zz" + id("node4").slice(2);
    await expect(addSealer(client("node0"), governance, { group: 1, nodeId: bad })).rejects.toThrow(
      `addSealer of node ${bad} in group 1: refused by the chain (-51100): invalid node ID: expected 128 hex characters without 0x`,
    );
    const before = await client("node0").getBlockNumber(1);
    await expect(addObserver(client("node0"), generateEcKeyPair("secp256k1").privateKeyPem, { group: 1, nodeId: id("node4") })).rejects.toThrow(
      "the governance key is secp256k1, but this GM chain signs with sm2",
    );
    expect(await client("node0").getBlockNumber(1)).toBe(before);
  });

  it("stand-in: generateGroup on every member, startGroup, then queryGroupStatus reports RUNNING", async () => {
    const members = ["node1", "node2"];
    const params = { timestamp: 1700000000000, sealers: ids(members) };
    expect((await client("node1").queryGroupStatus(3)).status).toBe("INEXISTENT");
    for (const name of members) expect(await client(name).generateGroup(3, params)).toEqual({ code: "0x0", message: "Group 3 generated successfully" });
    expect((await client("node1").generateGroup(3, params)).code).toBe("0x2");
    for (const name of members) expect(await client(name).startGroup(3)).toEqual({ code: "0x0", message: "Group 3 started successfully" });
    for (const name of members) expect(await client(name).queryGroupStatus(3)).toEqual({ code: "0x0", message: "", status: "RUNNING" });
    await everyMemberReports(members, "getSealerList", 3, ids(members));
    await addObserver(client("node1"), governance, { group: 3, nodeId: id("node0") });
    await everyMemberReports(members, "getObserverList", 3, [id("node0")]);
  });
});

/**
 * The membership provider's pure parts: role changes read before → after, the diff, and check
 * when values are not known yet or the chain does not answer (first deploy). The chain-facing
 * parts run against stand-ins in test/membership/seed-change.test.ts and over SSH in
 * test/remote/ssh-tunnel.test.ts.
 */
import * as http from "node:http";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { providerStub } from "../../infra/providers/delegating-provider";
import { foundRoles } from "../../infra/membership/observe";
import { roleChanges } from "../../infra/membership/plan-text";
import { createMembershipProvider, type MembershipInputs } from "../../infra/providers/membership-provider";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const id = (n: number) => String(n).repeat(128);

/** The provider a stub names, loaded as the provider process loads it (a module run from the project directory). */
function providerOfStub(stub: string): pulumi.dynamic.ResourceProvider {
  const module: { exports: { handler?: () => pulumi.dynamic.ResourceProvider } } = { exports: {} };
  new Function("exports", "require", stub)(module.exports, createRequire(path.join(process.cwd(), "stub.js")));
  return module.exports.handler!();
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** A JSON-RPC endpoint on 127.0.0.1 that answers each method with a fixed result. */
async function answeringNode(results: Record<string, unknown>): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const { id: requestId, method } = JSON.parse(body) as { id: number; method: string };
      const reply = method in results ? { result: results[method] } : { error: { code: -32601, message: `${method} not answered here` } };
      res.end(JSON.stringify({ jsonrpc: "2.0", id: requestId, ...reply }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

async function inputs(): Promise<MembershipInputs> {
  const port = await closedPort();
  return {
    groupId: 1,
    roles: { node0: "sealer", node1: "observer", node2: "free" },
    genesis: { consensus: "pbft", maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3, epochBlockNum: 1000, enableFreeStorage: false },
    timestamp: 1700000000000,
    nodeIds: { node0: id(0), node1: id(1), node2: id(2) },
    endpoints: Object.fromEntries(["node0", "node1", "node2"].map((n) => [n, { address: "127.0.0.1", rpcPort: port, connection: { kind: "local" as const } }])),
    sshPrivateKeys: {},
    governanceKeyPem: "-----BEGIN PRIVATE KEY-----",
  };
}

const provider = createMembershipProvider({ joinGroup: () => Promise.reject(new Error("not used")), log: () => undefined });

describe("membership provider", () => {
  it("words role changes per node as before → after, with none for no role", () => {
    expect(
      roleChanges(
        { node0: "sealer", node1: "sealer", node2: "sealer", node3: "sealer" },
        { node0: "sealer", node1: "observer", node2: "free", node3: "sealer", node5: "sealer" },
      ),
    ).toEqual(["node1: sealer → observer", "node2: sealer → free", "node5: none → sealer"]);
    expect(roleChanges({ node4: "observer" }, {})).toEqual(["node4: observer → none"]);
  });

  it("finds roles from the lists, free for a node running the group without a role, and keeps a free role a down node cannot confirm", () => {
    const observation = {
      chain: { 1: { sealers: ["node0"], observers: ["node1"], height: 5 } },
      nodes: {
        node0: { status: "up" as const, peers: [], groups: { 1: 5 } },
        node1: { status: "down" as const, peers: [], groups: {} },
        node2: { status: "up" as const, peers: [], groups: { 1: null } },
        node3: { status: "down" as const, peers: [], groups: {} },
        node4: { status: "up" as const, peers: [], groups: {} },
      },
    };
    expect(foundRoles(observation, 1, { node3: "free", node4: "free" })).toEqual({ node0: "sealer", node1: "observer", node2: "free", node3: "free" });
  });

  it("diff: a role, endpoint or key change is a change; a group id change replaces; the same inputs are no change", async () => {
    const olds = await inputs();
    expect(await provider.diff!("group-1", olds, { ...olds, roles: { ...olds.roles } })).toEqual({ changes: false });
    expect(await provider.diff!("group-1", olds, { ...olds, roles: { ...olds.roles, node1: "sealer" } })).toEqual({ changes: true });
    expect(await provider.diff!("group-1", olds, { ...olds, governanceKeyPem: "other" })).toEqual({ changes: true });
    expect(await provider.diff!("group-1", olds, { ...olds, groupId: 2 })).toEqual({ changes: true, replaces: ["groupId"], deleteBeforeReplace: true });
  });

  it("check plans from the declaration, saying so, when values are unknown in preview or no node answers yet", async () => {
    const news = await inputs();
    const unknown = { ...news, nodeIds: { ...news.nodeIds, node2: UNKNOWN } };
    // A group new to the stack starts from its genesis sealers; node1, about to be installed, becomes an observer.
    const fromGenesis = [
      "group 1 (pbft): not on the chain yet; the install starts it from its genesis with sealers node0; observers none",
      "group 1: this assumes every node live, and up confirms the plan against the chain",
      "group 1 step 1: addObserver node1 (via node0): sealers stay 1, pbft quorum 1 of 1 live",
    ];
    expect(await provider.check!({}, unknown)).toEqual({ inputs: { ...unknown, plan: fromGenesis } });
    expect(await provider.check!({}, news)).toEqual({ inputs: { ...news, plan: fromGenesis } });
    // An existing group starts from the roles last applied; a stale plan in the old inputs is not carried over.
    const applied = { ...news, roles: { node0: "sealer", node1: "sealer", node2: "free" } as MembershipInputs["roles"], plan: ["stale"] };
    const { inputs: checked } = (await provider.check!(applied, news)) as { inputs: MembershipInputs };
    expect(checked.plan?.[0]).toBe("group 1 (pbft): sealers node0, node1; observers none, as last applied");
    expect(checked.plan?.slice(2)).toEqual(["group 1 step 1: addObserver node1 (via node0): sealers 2 → 1, pbft quorum 1 of 1 live"]);
    // Nothing to do: no plan at all, so an unchanged group shows no diff.
    expect(await provider.check!({ ...news, plan: ["stale"] }, news)).toEqual({ inputs: news });
  });

  it("check refuses a new group whose declared sealers differ from its frozen genesis's, and passes when they match", async () => {
    // Three minimal JSON-RPC responders, connected to each other, none running group 1 yet.
    const nodes = await Promise.all(
      [0, 1, 2].map((i) =>
        answeringNode({
          getClientVersion: { "FISCO-BCOS Version": "2.11.0 gm", "Chain Id": "1", "Supported Version": "2.11.0" },
          getNodeIDList: [id(i), ...[0, 1, 2].filter((j) => j !== i).map(id)],
          getGroupList: [],
          queryGroupStatus: { code: "0x0", message: "", status: "INEXISTENT" },
        }),
      ),
    );
    try {
      const news = await inputs();
      nodes.forEach((n, i) => (news.endpoints[`node${i}`] = { ...news.endpoints[`node${i}`], rpcPort: n.port }));
      const refused = (await provider.check!({}, { ...news, genesisSealerIds: [id(1), id(0)] })) as { failures: { property: string; reason: string }[] };
      expect(refused.failures).toHaveLength(1);
      expect(refused.failures[0].reason).toMatch(
        /^group 1 \(pbft\): is new, but an earlier run froze its genesis with sealers node0, node1 and the declaration now has node0;/,
      );
      const { inputs: accepted } = (await provider.check!({}, { ...news, genesisSealerIds: [id(0)] })) as { inputs: MembershipInputs };
      expect(accepted).toMatchObject({ ...news, genesisSealerIds: [id(0)] });
      // The install starts it from the frozen genesis, so the preview plans from there.
      expect(accepted.plan?.[0]).toBe("group 1 (pbft): not on the chain yet; the install starts it from its genesis with sealers node0; observers none");
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });

  it("read keeps the recorded roles when no node answers", async () => {
    const props = await inputs();
    expect(await provider.read!("group-1", props)).toEqual({ id: "group-1", props });
  });

  it("read through the provider stub reaches the implementation's read: the chain's lists replace the recorded roles", async () => {
    // node0 answers (a minimal JSON-RPC responder, not a FISCO node) and lists node1 as a sealer; node1 and node2 are down.
    const node0 = await answeringNode({
      getClientVersion: { "FISCO-BCOS Version": "2.11.0 gm", "Chain Id": "1", "Supported Version": "2.11.0" },
      getNodeIDList: [id(0), id(1)],
      getGroupList: [1],
      queryGroupStatus: { code: "0x0", message: "", status: "RUNNING" },
      getBlockNumber: "0x5",
      getSealerList: [id(0), id(1)],
      getObserverList: [],
    });
    try {
      const delegating = providerOfStub(providerStub("infra/providers/membership-provider.ts", "membershipProvider"));
      const recorded = await inputs();
      recorded.endpoints.node0 = { ...recorded.endpoints.node0, rpcPort: node0.port };
      const refreshed = { ...recorded, roles: { node0: "sealer", node1: "sealer", node2: "free" } };
      expect(await delegating.read!("group-1", recorded)).toEqual({ id: "group-1", props: refreshed, inputs: refreshed });
    } finally {
      await node0.close();
    }
  });
});

/**
 * SSH tunnels to a node's RPC port, against the sshd rig and stand-in nodes: the node answers
 * through the tunnel as through its port, one SSH connection carries several nodes, a host key
 * other than the pinned one is refused, close() leaves nothing listening, and the membership
 * provider reads roles through SSH.
 * Ports: 31820+, 21820+, 10020+ (disjoint from the other stand-in test files; host-scripts.test.ts has 31700+).
 */
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMembershipProvider, type MembershipInputs } from "../../infra/providers/membership-provider";
import { HostKeyMismatchError, NodeEndpoints, SshTunnel, type SshAccess } from "../../infra/remote/ssh-tunnel";
import { RpcClient, RpcError } from "../../infra/rpc/client";
import { startSshRig, type SshRig } from "../rig/sshd";
import { StandinCluster, waitFor } from "../standin/harness";

/** True when something accepts connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

describe("SSH tunnel to a node's RPC port", () => {
  const cluster = new StandinCluster();
  let rig: SshRig;
  const access = (i: number, hostKey = rig.hosts[i].hostKey): SshAccess => ({
    address: rig.hosts[i].address,
    port: rig.hosts[i].port,
    user: rig.user,
    privateKey: rig.privateKeyPem,
    hostKey,
  });

  beforeAll(async () => {
    // The rig turns forwarding off globally; a Match block is how sshd lets a later line override it.
    rig = await startSshRig({ hosts: 2, extraConfig: ["Match all", "AllowTcpForwarding local"] });
    await cluster.render({ p2p: 31820, channel: 21820, rpc: 10020 }, "ssh-tunnel");
    cluster.start(["node0", "node1"]);
    await waitFor("node0 to answer", async () => (await new RpcClient({ host: "127.0.0.1", port: cluster.port("node0") }).getClientVersion()) ?? undefined);
  });

  afterAll(async () => {
    await cluster.cleanup();
    await rig?.stop();
  });

  it("stand-in: two nodes answer through one SSH connection as they do on their own ports", async () => {
    const tunnel = await SshTunnel.connect(access(0));
    try {
      const [e0, e1] = [await tunnel.forward(cluster.port("node0")), await tunnel.forward(cluster.port("node1"))];
      expect(e0.host).toBe("127.0.0.1");
      expect(e0.port).not.toBe(cluster.port("node0"));
      const [self0] = await new RpcClient(e0).getNodeIDList(1);
      const [self1] = await new RpcClient(e1).getNodeIDList(1);
      expect([self0, self1]).toEqual([cluster.chain.ids.node0, cluster.chain.ids.node1]);
      // Several requests in parallel, each on its own forwarded connection.
      const heights = await Promise.all(Array.from({ length: 8 }, () => new RpcClient(e0).getBlockNumber(1)));
      expect(heights.every((h) => h >= 0)).toBe(true);
    } finally {
      await tunnel.close();
    }
  });

  it("stand-in: refuses a host whose key is not the pinned one", async () => {
    const error = await SshTunnel.connect(access(0, rig.hosts[1].hostKey)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toBe(
      `ssh ${rig.user}@${rig.hosts[0].address}:${rig.hosts[0].port}: the host presented a key other than the pinned one (${rig.hosts[1].hostKey.slice(0, 40)}…); refusing to connect`,
    );
    await expect(SshTunnel.connect(access(0, "not a key"))).rejects.toThrow(
      'the pinned host key is not an OpenSSH public key ("ssh-ed25519 AAAA…"): not a key',
    );
  });

  it("stand-in: close() stops the local ports and ends the SSH connection", async () => {
    const tunnel = await SshTunnel.connect(access(1));
    const endpoint = await tunnel.forward(cluster.port("node0"));
    expect(await listening(endpoint.port)).toBe(true);
    await tunnel.close();
    expect(await listening(endpoint.port)).toBe(false);
    await expect(tunnel.forward(cluster.port("node0"))).rejects.toThrow("the connection is closed");
  });

  it("stand-in: a node that is not running shows as a transport failure of the RPC call", async () => {
    const tunnel = await SshTunnel.connect(access(0));
    try {
      const endpoint = await tunnel.forward(cluster.port("node4"));
      const error = await new RpcClient(endpoint).getClientVersion().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcError);
      expect(error).toMatchObject({ code: undefined, method: "getClientVersion" });
      expect((error as Error).message).toBe(
        `getClientVersion on 127.0.0.1:${endpoint.port}: HTTP 502: ssh ${rig.user}@${rig.hosts[0].address}:${rig.hosts[0].port}: ` +
          `channel to 127.0.0.1:${cluster.port("node4")} refused: connect failed; nothing listens there on the host: is the node running?`,
      );
    } finally {
      await tunnel.close();
    }
  });

  it("stand-in: a host whose sshd forbids TCP forwarding is named as the reason", async () => {
    const strict = await startSshRig({ hosts: 1 });
    try {
      const tunnel = await SshTunnel.connect({
        address: strict.hosts[0].address,
        port: strict.hosts[0].port,
        user: strict.user,
        privateKey: strict.privateKeyPem,
        hostKey: strict.hosts[0].hostKey,
      });
      const endpoint = await tunnel.forward(cluster.port("node0"));
      const error = await new RpcClient(endpoint).getBlockNumber(1).catch((e: unknown) => e);
      await tunnel.close();
      expect((error as Error).message).toMatch(
        /HTTP 502: ssh .*: channel to 127\.0\.0\.1:\d+ refused: administratively prohibited; the host's sshd does not allow TCP forwarding \(AllowTcpForwarding\)$/,
      );
    } finally {
      await strict.stop();
    }
  });

  it("stand-in: NodeEndpoints: direct for local hosts, tunnelled for SSH hosts, unreachable hosts listed with the reason", async () => {
    const endpoints = await NodeEndpoints.open({
      node0: { rpcPort: cluster.port("node0"), connection: { kind: "local" } },
      node1: { rpcPort: cluster.port("node1"), connection: { kind: "ssh", ...access(0) } },
      node2: { rpcPort: cluster.port("node2"), connection: { kind: "ssh", ...access(1), port: 1 } },
    });
    try {
      expect(endpoints.endpoints.node0).toEqual({ host: "127.0.0.1", port: cluster.port("node0") });
      expect((await new RpcClient(endpoints.endpoints.node1).getNodeIDList(1))[0]).toBe(cluster.chain.ids.node1);
      expect(endpoints.endpoints.node2).toBeUndefined();
      expect(endpoints.unreachable.node2).toMatch(new RegExp(`^ssh ${rig.user}@${rig.hosts[1].address}:1: .*ECONNREFUSED`));
    } finally {
      await endpoints.close();
    }
    await expect(
      NodeEndpoints.open({ node1: { rpcPort: cluster.port("node1"), connection: { kind: "ssh", ...access(0, rig.hosts[1].hostKey) } } }),
    ).rejects.toBeInstanceOf(HostKeyMismatchError);
  });

  it("stand-in: the membership provider reads a group's roles through SSH, with down members still listed", async () => {
    const names = ["node0", "node1", "node2", "node3", "node4"];
    const { hostKey, address, port } = rig.hosts[0];
    const provider = createMembershipProvider({ joinGroup: () => Promise.reject(new Error("not used")), log: () => undefined });
    const props: MembershipInputs = {
      groupId: 1,
      roles: {},
      genesis: cluster.chain.model.groups[0].genesis,
      nodeIds: cluster.chain.ids,
      endpoints: Object.fromEntries(
        names.map((n) => [n, { address, rpcPort: cluster.port(n), connection: { kind: "ssh" as const, port, user: rig.user, hostKey } }]),
      ),
      sshPrivateKeys: { [address]: rig.privateKeyPem },
      governanceKeyPem: "",
    };
    const read = await provider.read!("group-1", props);
    expect(read.props.roles).toEqual({ node0: "sealer", node1: "sealer", node2: "sealer", node3: "sealer" });
    const noKey = await provider.read!("group-1", { ...props, sshPrivateKeys: {} }).catch((e: unknown) => e);
    expect((noKey as Error).message).toBe(`no SSH private key is given for host ${address} (node node0)`);
  });
});

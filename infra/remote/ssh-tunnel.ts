/**
 * Reaching a node's RPC port. FISCO's RPC listens on 127.0.0.1 of its host by default, so from
 * here it is reachable only through SSH: one SSH connection per host, and per node a local TCP
 * port on 127.0.0.1 whose connections the host opens to `127.0.0.1:<rpcPort>` on its side
 * (a `direct-tcpip` channel, what `ssh -L` does). Hosts with `connection: local` are this machine:
 * no tunnel, the port is used directly.
 *
 * The host must present the pinned host key; there is no trust on first use here, because the
 * governance transactions sent through the tunnel change the chain's consensus.
 */
import { createServer, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { RpcEndpoint } from "../rpc/client";

/** The subset of ssh2's API in use, typed here so that no @types package is needed. */
interface Ssh2Client {
  on(event: "ready" | "close", cb: () => void): Ssh2Client;
  on(event: "error", cb: (err: Error) => void): Ssh2Client;
  connect(config: Record<string, unknown>): void;
  forwardOut(srcIp: string, srcPort: number, dstIp: string, dstPort: number, cb: (err: Error | undefined, stream: Duplex) => void): void;
  exec(command: string, cb: (err: Error | undefined, stream: Duplex & { stderr: Duplex }) => void): void;
  end(): void;
}
const ssh2 = (): { Client: new () => Ssh2Client } => require("ssh2");

export interface SshAccess {
  /** Host address as SSH reaches it. */
  address: string;
  port: number;
  user: string;
  /** The login key (OpenSSH or PEM form). */
  privateKey: string;
  /** The host's public key as in known_hosts / authorized_keys: "ssh-ed25519 AAAA…". */
  hostKey: string;
}

/** How to reach one node's RPC port. */
export interface NodeEndpoint {
  /** The node's RPC port on its host (it listens on the host's 127.0.0.1). */
  rpcPort: number;
  connection: { kind: "local" } | ({ kind: "ssh" } & SshAccess);
}

/** The raw key blob of an OpenSSH public key line, for an exact comparison with what the host presents. */
function hostKeyBlob(hostKey: string): Buffer {
  const b64 = hostKey
    .trim()
    .split(/\s+/)
    .find((p) => /^AAAA[0-9A-Za-z+/]+=*$/.test(p));
  if (!b64) throw new Error(`the pinned host key is not an OpenSSH public key ("ssh-ed25519 AAAA…"): ${hostKey.slice(0, 40)}`);
  return Buffer.from(b64, "base64");
}

/**
 * The key type named inside the blob, and the host key algorithms that make the host show that key
 * (an rsa key signs with rsa-sha2-512/256 or the old ssh-rsa). A host offers several keys and shows
 * the one of the first algorithm both sides know, so only the pinned key's may be offered.
 */
function hostKeyAlgorithms(blob: Buffer): { type: string; algorithms: string[] } {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + length).toString("latin1");
  if (type === "ssh-rsa") return { type, algorithms: ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] };
  if (type === "ssh-ed25519" || /^ecdsa-sha2-nistp(256|384|521)$/.test(type)) return { type, algorithms: [type] };
  throw new Error(`the pinned host key is of type ${type}; pin the host's ed25519, ecdsa or rsa key (ssh-keyscan -t ed25519,ecdsa,rsa <host>)`);
}

/**
 * RFC 4254 channel-open failure reasons, worded for what they mean here (sshd's own texts are
 * terse, and the RPC client shows only 200 characters of an HTTP error).
 */
const CHANNEL_FAILURE_REASONS: Record<number, string> = {
  1: "administratively prohibited; the host's sshd does not allow TCP forwarding (AllowTcpForwarding)",
  2: "connect failed; nothing listens there on the host: is the node running?",
};

const describeHost = (a: SshAccess) => `${a.user}@${a.address}:${a.port}`;

/** The host is not the one pinned: never treated as a mere outage. */
export class HostKeyMismatchError extends Error {
  /** `missingType`: the host offers no key of the pinned key's type at all. */
  constructor(access: SshAccess, missingType?: string) {
    const pinned = `${access.hostKey.slice(0, 40)}…`;
    super(
      missingType
        ? `ssh ${describeHost(access)}: the host offers no ${missingType} host key, so it cannot show the pinned one (${pinned}); refusing to connect`
        : `ssh ${describeHost(access)}: the host presented a key other than the pinned one (${pinned}); refusing to connect`,
    );
    this.name = "HostKeyMismatchError";
  }
}

/** ssh2's handshake error when no host key algorithm is common to both sides. */
const NO_COMMON_HOST_KEY = /no matching host key format/;

/** One SSH connection to a host, carrying any number of forwarded ports. */
export class SshTunnel {
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private closed = false;

  private constructor(
    private readonly client: Ssh2Client,
    readonly access: SshAccess,
  ) {
    client.on("close", () => {
      this.closed = true;
    });
  }

  /** Connects and authenticates; rejects on a host key other than the pinned one. */
  static async connect(access: SshAccess, timeoutMs = 20_000): Promise<SshTunnel> {
    const expected = hostKeyBlob(access.hostKey);
    const { type, algorithms } = hostKeyAlgorithms(expected);
    return new Promise((resolve, reject) => {
      const client = new (ssh2().Client)();
      let mismatch = false;
      client.on("ready", () => resolve(new SshTunnel(client, access)));
      client.on("error", (err) => {
        if (mismatch) reject(new HostKeyMismatchError(access));
        else if (NO_COMMON_HOST_KEY.test(err.message)) reject(new HostKeyMismatchError(access, type));
        else reject(new Error(`ssh ${describeHost(access)}: ${err.message}`));
      });
      client.connect({
        host: access.address,
        port: access.port,
        username: access.user,
        privateKey: access.privateKey,
        readyTimeout: timeoutMs,
        algorithms: { serverHostKey: algorithms },
        hostVerifier: (key: Buffer) => {
          mismatch = !key.equals(expected);
          return !mismatch;
        },
      });
    });
  }

  /**
   * A local port on 127.0.0.1 whose connections reach `remoteHost:remotePort` as seen from the
   * host. The port carries the node's HTTP JSON-RPC, so a channel the host refuses (nothing
   * listens there, or its sshd has AllowTcpForwarding off) is answered with an HTTP 502 that
   * says why: the RPC client then reports the reason instead of a bare "socket hang up".
   */
  async forward(remotePort: number, remoteHost = "127.0.0.1"): Promise<RpcEndpoint> {
    if (this.closed) throw new Error(`ssh ${describeHost(this.access)}: the connection is closed`);
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => undefined); // the peer's reset is the RPC client's to report
      this.client.forwardOut("127.0.0.1", socket.remotePort ?? 0, remoteHost, remotePort, (err, stream) => {
        if (err) {
          const reason = CHANNEL_FAILURE_REASONS[(err as Error & { reason?: number }).reason ?? 0] ?? err.message;
          const why = `ssh ${describeHost(this.access)}: channel to ${remoteHost}:${remotePort} refused: ${reason}`;
          socket.end(`HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(why)}\r\n\r\n${why}`);
          return;
        }
        stream.on("error", () => socket.destroy());
        socket.pipe(stream).pipe(socket);
      });
    });
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === "string") throw new Error("the tunnel's local server has no TCP address");
    return { host: "127.0.0.1", port: address.port };
  }

  /** Runs a command on the host; resolves with its exit code and output (the caller judges the code). */
  async exec(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
    if (this.closed) throw new Error(`ssh ${describeHost(this.access)}: the connection is closed`);
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) return reject(new Error(`ssh ${describeHost(this.access)}: exec refused: ${err.message}`));
        let stdout = "";
        let stderr = "";
        stream.on("data", (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        stream.on("error", reject);
        stream.on("close", (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
      });
    });
  }

  /** Stops every forwarded port, drops their connections and ends the SSH connection. */
  async close(): Promise<void> {
    // Stop accepting first, then drop the open connections: HTTP keep-alive would hold them (and close()) for seconds.
    const stopped = Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.sockets.forEach((s) => s.destroy());
    await stopped;
    if (!this.closed) {
      await new Promise<void>((resolve) => {
        this.client.on("close", () => resolve());
        this.client.end();
      });
    }
  }
}

/**
 * The RPC endpoints of several nodes: direct for local hosts, through one tunnel per SSH host
 * otherwise. A host SSH cannot reach leaves its nodes in `unreachable` (a host that is down is a
 * fact the membership planner weighs, not a reason to stop); a host key mismatch throws.
 * `close()` ends every tunnel; call it in a `finally`.
 */
export class NodeEndpoints {
  private constructor(
    readonly endpoints: Record<string, RpcEndpoint>,
    /** Node name → why its host could not be reached. */
    readonly unreachable: Record<string, string>,
    private readonly tunnels: SshTunnel[],
  ) {}

  static async open(nodes: Record<string, NodeEndpoint>): Promise<NodeEndpoints> {
    const tunnels = new Map<string, Promise<SshTunnel>>();
    const endpoints: Record<string, RpcEndpoint> = {};
    const unreachable: Record<string, string> = {};
    const opened = async () => (await Promise.allSettled(tunnels.values())).flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    try {
      for (const [name, node] of Object.entries(nodes)) {
        const c = node.connection;
        if (c.kind === "local") {
          endpoints[name] = { host: "127.0.0.1", port: node.rpcPort };
          continue;
        }
        const key = `${describeHost(c)} ${c.hostKey}`;
        if (!tunnels.has(key)) tunnels.set(key, SshTunnel.connect(c));
        try {
          endpoints[name] = await (await tunnels.get(key)!).forward(node.rpcPort);
        } catch (e) {
          if (e instanceof HostKeyMismatchError) throw e;
          unreachable[name] = (e as Error).message;
        }
      }
    } catch (e) {
      await Promise.all((await opened()).map((t) => t.close()));
      throw e;
    }
    return new NodeEndpoints(endpoints, unreachable, await opened());
  }

  async close(): Promise<void> {
    await Promise.all(this.tunnels.map((t) => t.close()));
  }
}

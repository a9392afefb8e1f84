/**
 * Trust on first use for SSH host keys: `create` opens an SSH handshake to the host (no login, no
 * credentials sent), records the key the server presents in known_hosts form ("ssh-ed25519 AAAA…")
 * and never changes it again. Its diff reports no change whatever the inputs, so the recorded key
 * stays pinned in state and every later connection to the host is checked against it. To trust a
 * new key on purpose (a reinstalled server), replace the resource (`pulumi up --replace <urn>`) or
 * put the key in the topology's `hostKey`.
 */
import type * as pulumi from "@pulumi/pulumi";

export interface HostKeyInputs {
  /** Address and port as in the host's connection. */
  host: string;
  port: number;
}

export interface HostKeyOutputs extends HostKeyInputs {
  /** known_hosts form, no host and no comment: "ssh-ed25519 AAAA…". */
  hostKey: string;
}

interface Ssh2Client {
  on(event: "error", cb: (err: Error) => void): Ssh2Client;
  on(event: "ready" | "close", cb: () => void): Ssh2Client;
  connect(config: Record<string, unknown>): void;
  end(): void;
  destroy?(): void;
}

/** A server's raw public key blob (SSH wire format) as "<type> <base64>". */
export function knownHostsKey(blob: Buffer): string {
  if (blob.length < 4) throw new Error("host key blob is too short");
  const typeLength = blob.readUInt32BE(0);
  if (typeLength > blob.length - 4) throw new Error("host key blob is malformed");
  return `${blob.subarray(4, 4 + typeLength).toString("latin1")} ${blob.toString("base64")}`;
}

/** The host key the SSH server at host:port presents; rejects naming the host and the cause. */
export function fetchHostKey(host: string, port: number, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const { Client } = require("ssh2") as { Client: new () => Ssh2Client };
    const client = new Client();
    let key: string | undefined;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      try {
        client.end();
      } catch {
        // already closed
      }
      if (key !== undefined) resolve(key);
      else reject(new Error(`host key of ${host}:${port}: ${error?.message ?? "the server presented no host key"}`));
    };
    client.on("error", (err) => finish(err));
    client.on("close", () => finish());
    client.on("ready", () => finish());
    client.connect({
      host,
      port,
      // Never logs in: the handshake is refused right after the server has shown its key.
      username: "host-key-probe",
      readyTimeout: timeoutMs,
      agent: undefined,
      hostVerifier: (blob: Buffer) => {
        try {
          key = knownHostsKey(blob);
        } catch (e) {
          finish(e as Error);
        }
        return false;
      },
    });
  });
}

export const hostKeyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: HostKeyInputs) {
    if (typeof news.host !== "string" || news.host === "") return { failures: [{ property: "host", reason: "host is required" }] };
    if (!Number.isInteger(news.port) || news.port < 1 || news.port > 65535) return { failures: [{ property: "port", reason: `bad port ${news.port}` }] };
    return { inputs: { host: news.host, port: news.port } };
  },

  /** Never a change: the key seen first stays the one enforced. */
  async diff() {
    return { changes: false };
  },

  async create(inputs: HostKeyInputs) {
    const hostKey = await fetchHostKey(inputs.host, inputs.port);
    const outs: HostKeyOutputs = { host: inputs.host, port: inputs.port, hostKey };
    return { id: `${inputs.host}:${inputs.port}`, outs };
  },

  /** Only reached when the provider's own code changed: the recorded key stays. */
  async update(_id: string, olds: HostKeyOutputs) {
    return { outs: olds };
  },
};

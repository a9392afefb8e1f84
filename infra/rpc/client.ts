/**
 * JSON-RPC 2.0 client for a FISCO BCOS 2.x node's RPC port (plain HTTP POST to `/`). Parameters
 * are positional with an exact count, and group IDs are JSON integers: the node refuses anything
 * else with -32602. Every error names the method and the endpoint it was sent to.
 */
import * as http from "node:http";

/** Where the node's RPC port is reachable from here (directly, or the local end of a tunnel). */
export interface RpcEndpoint {
  host: string;
  port: number;
}

export class RpcError extends Error {
  constructor(
    readonly method: string,
    readonly endpoint: RpcEndpoint,
    /** The JSON-RPC error code; undefined for transport failures (connection, timeout, HTTP, JSON). */
    readonly code: number | undefined,
    readonly detail: string,
  ) {
    super(`${method} on ${endpoint.host}:${endpoint.port}: ${code === undefined ? detail : `JSON-RPC error ${code}: ${detail}`}`);
    this.name = "RpcError";
  }
}

export interface ClientVersion {
  /** "FISCO-BCOS Version" without the " gm" suffix, e.g. "2.9.1" (HSM builds keep "-hsm"). */
  version: string;
  /** GM chain: the version string ends with " gm". */
  smCrypto: boolean;
  /** "Supported Version": the compatibility version. */
  supportedVersion: string;
  chainId: number;
  raw: Record<string, string>;
}

export interface Peer {
  NodeID: string;
  IPAndPort: string;
  Agency: string;
  Node: string;
  Topic: string[];
}

export interface SyncStatus {
  isSyncing: boolean;
  protocolId: number;
  genesisHash: string;
  nodeId: string;
  blockNumber: number;
  latestHash: string;
  knownHighestNumber: number;
  knownLatestHash: string;
  txPoolSize: string;
  peers: { nodeId: string; genesisHash: string; blockNumber: number; latestHash: string }[];
}

export interface TransactionReceipt {
  transactionHash: string;
  blockNumber: string;
  /** "0x0" when the transaction executed; a precompiled error still has "0x0" and a negative output. */
  status: string;
  statusMsg?: string;
  output: string;
  from: string;
  to: string;
  [field: string]: unknown;
}

/** Answer of the group lifecycle methods; `code` "0x0" is success (see fisco-2x-rpc.md §3.1). */
export interface GroupOperationResult {
  code: string;
  message: string;
}

export type GroupStatus = "INEXISTENT" | "RUNNING" | "STOPPING" | "STOPPED" | "DELETED" | "UNKNOWN" | "";

/**
 * Everything generateGroup takes (2.11 Rpc::checkParamsForGenerateGroup); the rest of the genesis
 * it writes is a fixed template (GENERATED_GENESIS in the membership planner).
 */
export interface GenerateGroupParams {
  /** Genesis timestamp in ms; sent as the canonical decimal string the node insists on. */
  timestamp: number;
  /** Node IDs, 128 lowercase hex without 0x. */
  sealers: string[];
  enableFreeStorage?: boolean;
}

export interface RpcClientOptions {
  /** Per request, default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class RpcClient {
  private nextId = 1;
  private readonly timeoutMs: number;

  constructor(
    readonly endpoint: RpcEndpoint,
    options: RpcClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** One request; resolves to `result`, rejects with RpcError. */
  request<T>(method: string, params: unknown[]): Promise<T> {
    const body = JSON.stringify({ jsonrpc: "2.0", method, params, id: this.nextId++ });
    const fail = (code: number | undefined, detail: string) => new RpcError(method, this.endpoint, code, detail);
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        {
          host: this.endpoint.host,
          port: this.endpoint.port,
          path: "/",
          method: "POST",
          headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(fail(undefined, `reading the response failed: ${e.message}`)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) return reject(fail(undefined, `HTTP ${res.statusCode}: ${text.slice(0, 200)}`));
            let reply: { result?: unknown; error?: { code?: unknown; message?: unknown } };
            try {
              reply = JSON.parse(text);
            } catch {
              return reject(fail(undefined, `the response is not JSON: ${text.slice(0, 200)}`));
            }
            if (reply.error) {
              const code = typeof reply.error.code === "number" ? reply.error.code : Number.NaN;
              return reject(fail(code, String(reply.error.message ?? "(no message)")));
            }
            if (!("result" in reply)) return reject(fail(undefined, `the response has neither result nor error: ${text.slice(0, 200)}`));
            resolve(reply.result as T);
          });
        },
      );
      // `timeout` only reports idleness; destroying the request ends it with this error.
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", (e) => reject(fail(undefined, e.message)));
      req.end(body);
    });
  }

  async getClientVersion(): Promise<ClientVersion> {
    const raw = await this.request<Record<string, string>>("getClientVersion", []);
    const full = String(raw["FISCO-BCOS Version"] ?? "");
    const chainId = Number(raw["Chain Id"]);
    if (!full || !Number.isSafeInteger(chainId)) {
      throw new RpcError("getClientVersion", this.endpoint, undefined, `unexpected answer ${JSON.stringify(raw)}`);
    }
    const smCrypto = full.endsWith(" gm");
    return { version: smCrypto ? full.slice(0, -3) : full, smCrypto, supportedVersion: String(raw["Supported Version"] ?? ""), chainId, raw };
  }

  async getBlockNumber(group: number): Promise<number> {
    return Number(await this.request<string>("getBlockNumber", [group]));
  }

  getSealerList(group: number): Promise<string[]> {
    return this.request("getSealerList", [group]);
  }

  getObserverList(group: number): Promise<string[]> {
    return this.request("getObserverList", [group]);
  }

  /** This node's own ID first, then every P2P-connected peer's, whatever their groups. */
  getNodeIDList(group: number): Promise<string[]> {
    return this.request("getNodeIDList", [group]);
  }

  getPeers(group: number): Promise<Peer[]> {
    return this.request("getPeers", [group]);
  }

  /** Sealers and observers of the group, sorted, offline ones included. */
  getGroupPeers(group: number): Promise<string[]> {
    return this.request("getGroupPeers", [group]);
  }

  /** Groups in which this node is a sealer or observer. */
  getGroupList(): Promise<number[]> {
    return this.request("getGroupList", []);
  }

  getSyncStatus(group: number): Promise<SyncStatus> {
    return this.request("getSyncStatus", [group]);
  }

  /** Imports a signed transaction into the pool; returns its hash (the receipt comes later). */
  sendRawTransaction(group: number, rawHex: string): Promise<string> {
    return this.request("sendRawTransaction", [group, rawHex]);
  }

  /** Null until the transaction is in a committed block. */
  getTransactionReceipt(group: number, hash: string): Promise<TransactionReceipt | null> {
    return this.request("getTransactionReceipt", [group, hash]);
  }

  /** Writes the group's genesis and ini on this node only; call it on every member with identical params. */
  generateGroup(group: number, params: GenerateGroupParams): Promise<GroupOperationResult> {
    return this.request("generateGroup", [
      group,
      { timestamp: String(params.timestamp), sealers: params.sealers, enable_free_storage: params.enableFreeStorage ?? false },
    ]);
  }

  startGroup(group: number): Promise<GroupOperationResult> {
    return this.request("startGroup", [group]);
  }

  stopGroup(group: number): Promise<GroupOperationResult> {
    return this.request("stopGroup", [group]);
  }

  queryGroupStatus(group: number): Promise<GroupOperationResult & { status: GroupStatus }> {
    return this.request("queryGroupStatus", [group]);
  }
}

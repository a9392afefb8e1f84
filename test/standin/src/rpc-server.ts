/**
 * JSON-RPC 2.0 over HTTP POST, with libjson-rpc-cpp's request checks: positional parameters whose
 * count and JSON types must match the declaration exactly (a group ID must be an integer).
 */
import { createServer, type Server } from "node:http";
import type { NodeLog } from "./log";
import { METHODS, type ParamType, type RpcContext } from "./rpc-methods";
import { invalidParams, RpcError } from "./rpc-error";

const PARSE_ERROR = new RpcError(-32700, "JSON_PARSE_ERROR: The JSON-Object is not JSON-Valid");
const INVALID_REQUEST = new RpcError(-32600, "INVALID_JSON_REQUEST: The JSON sent is not a valid JSON-RPC Request object");
const METHOD_NOT_FOUND = new RpcError(-32601, "METHOD_NOT_FOUND: The method being requested is not available on this server");

function matches(type: ParamType, value: unknown): boolean {
  switch (type) {
    case "int":
      return Number.isInteger(value);
    case "string":
      return typeof value === "string";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

function handle(ctx: RpcContext, request: unknown, log: NodeLog): object {
  const r = request as Record<string, unknown>;
  const id = typeof r === "object" && r !== null && "id" in r ? r.id : null;
  try {
    if (typeof r !== "object" || r === null || r.jsonrpc !== "2.0" || typeof r.method !== "string") throw INVALID_REQUEST;
    const method = Object.hasOwn(METHODS, r.method) ? METHODS[r.method] : undefined;
    if (!method) throw METHOD_NOT_FOUND;
    const params = r.params ?? [];
    if (!Array.isArray(params) || params.length !== method.params.length || !method.params.every((t, i) => matches(t, params[i]))) {
      throw invalidParams();
    }
    return { id, jsonrpc: "2.0", result: method.run(ctx, params) };
  } catch (e) {
    if (!(e instanceof RpcError)) {
      log.error("RPC", `${String(r?.method)} failed: ${(e as Error).stack}`);
      // biome-ignore lint/suspicious/noCatchAssign: every failure leaves as an RpcError
      e = new RpcError(-32603, `Internal error: ${(e as Error).message}`);
    }
    const { code, message } = e as RpcError;
    return { error: { code, message }, id, jsonrpc: "2.0" };
  }
}

export function createRpcServer(ctx: RpcContext, log: NodeLog): Server {
  return createServer((req, res) => {
    if (req.method === "OPTIONS") {
      res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type" }).end();
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: unknown;
      let reply: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        reply = { error: { code: PARSE_ERROR.code, message: PARSE_ERROR.message }, id: null, jsonrpc: "2.0" };
      }
      reply ??= Array.isArray(body) ? body.map((b) => handle(ctx, b, log)) : handle(ctx, body, log);
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(reply) + "\n");
    });
  });
}

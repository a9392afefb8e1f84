/**
 * Entry point of the stand-in `pulumi-resource-command` plugin (see provider.ts): serves the
 * ResourceProvider gRPC protocol with @pulumi/pulumi's provider server and prints its port, as the
 * engine expects of a plugin. Started by the launcher test/rig/pulumi-resource-command.
 *
 * GetPluginInfo answers the version of the installed @pulumi/command SDK (1.2.1), which is the
 * version the SDK asks the engine for on every resource it registers.
 */
import * as grpc from "@grpc/grpc-js";
import * as provider from "@pulumi/pulumi/provider";
import { makeProvider, type EngineLog, type Severity } from "./provider";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkVersion = (require("@pulumi/command/package.json") as { version: string }).version;

interface LogRequest {
  setSeverity(v: number): void;
  setMessage(v: string): void;
  setUrn(v: string): void;
  setEphemeral(v: boolean): void;
}
interface EngineClient {
  log(req: LogRequest, cb: (err: Error | null) => void): void;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const engineProto = require("@pulumi/pulumi/proto/engine_pb.js") as {
  LogRequest: new () => LogRequest;
  LogSeverity: Record<"DEBUG" | "INFO" | "WARNING" | "ERROR", number>;
};
const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb.js") as {
  EngineClient: new (addr: string, creds: grpc.ChannelCredentials) => EngineClient;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The engine's address is the first argument that is not a flag (as in provider.main). */
function engineAddress(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--tracing") i++;
    else if (args[i] === "--logtostderr" || args[i].startsWith("-v=")) continue;
    else return args[i];
  }
  return undefined;
}

const args = process.argv.slice(2);
const addr = engineAddress(args);
const engine = addr ? new engineRpc.EngineClient(addr, grpc.credentials.createInsecure()) : undefined;
const severities: Record<Severity, number> = {
  debug: engineProto.LogSeverity.DEBUG,
  info: engineProto.LogSeverity.INFO,
  warning: engineProto.LogSeverity.WARNING,
  error: engineProto.LogSeverity.ERROR,
};
const log: EngineLog = (urn, severity, message) => {
  if (!engine) {
    process.stderr.write(`${severity}: ${message}\n`);
    return;
  }
  const req = new engineProto.LogRequest();
  req.setSeverity(severities[severity]);
  req.setMessage(message);
  if (urn) req.setUrn(urn);
  req.setEphemeral(false);
  engine.log(req, () => undefined);
};

void provider.main(makeProvider(sdkVersion, log), args);

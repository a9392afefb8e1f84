/**
 * `fisco-bcos`, the test stand-in for the FISCO BCOS 2.x node binary: `-v` prints the version
 * block; `-c config.ini` checks the node folder like the real node and, when it passes, runs P2P,
 * JSON-RPC and the groups until SIGTERM. Run from the node folder, as start.sh does.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type Server } from "node:net";
import { resolve } from "node:path";
import { parseConfigIni } from "../../../infra/fisco/parse";
import { buildInfo, versionBlock, type BuildInfo } from "./build-info";
import { GroupFiles } from "./group-files";
import { GroupManager } from "./group-manager";
import { NodeLog } from "./log";
import { P2pNetwork } from "./p2p";
import { createRpcServer } from "./rpc-server";
import { loadGroupDefinitions, loadNodeSetup, StartupError } from "./startup";

const USAGE = "usage: fisco-bcos -c <config.ini> | -v\n";
/** Files the node's helper scripts touch to ask a running node to reload something. */
const APPEND_GROUP_SIGNAL = "config.ini.append_group";
const WHITELIST_SIGNAL = "config.ini.reset_certificate_whitelist";

function refuse(reason: string): never {
  process.stdout.write(`[INITIALIZER] init failed: ${reason}\n`);
  process.exit(1);
}

function listen(server: Server, port: number, host: string, what: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(new StartupError(`cannot listen on ${what} ${host}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, host, () => resolveListen());
  });
}

async function runNode(configPath: string, build: BuildInfo): Promise<void> {
  const log = new NodeLog();
  const setup = loadNodeSetup(configPath, build, (line) => log.warn("INITIALIZER", line));
  const { config, identity } = setup;
  if (config.log.enable) log.open(resolve(config.log.logPath));
  log.info("INITIALIZER", `node ${identity.nodeId} starting, binary ${build.version}${build.gm ? " gm" : ""}`);

  const p2p = new P2pNetwork({
    identity,
    smCrypto: config.chain.smCrypto,
    listenIp: config.p2p.listenIp,
    listenPort: config.p2p.listenPort,
    peers: config.p2p.peers,
    blacklist: config.blacklist,
    whitelist: config.whitelist,
    log,
  });
  const files = new GroupFiles(resolve(config.group.dataPath), resolve(config.group.configPath));
  const groups = new GroupManager({
    nodeId: identity.nodeId,
    chainId: config.chain.id,
    chain: { smCrypto: config.chain.smCrypto, supportedVersion: config.supportedVersion },
    files,
    p2p,
    log,
  });
  groups.startConfigured(setup.groups);

  // The SDK channel is TLS the stand-in does not speak; the port is held so clashes show as on a real node.
  const channel = createTcpServer((socket) => socket.on("error", () => undefined));
  await listen(channel, config.rpc.channelListenPort, config.rpc.channelListenIp, "the channel port");
  await p2p.listen().catch((e: NodeJS.ErrnoException) => {
    throw new StartupError(`cannot listen on the P2P port ${config.p2p.listenIp}:${config.p2p.listenPort}: ${e.code ?? e.message}`);
  });
  const rpc = createRpcServer({ setup, build, p2p, groups }, log);
  await listen(rpc, config.rpc.jsonrpcListenPort, config.rpc.jsonrpcListenIp, "the JSON-RPC port");

  p2p.start();
  groups.startTimers();
  const signals = setInterval(() => {
    if (existsSync(APPEND_GROUP_SIGNAL)) {
      rmSync(APPEND_GROUP_SIGNAL, { force: true });
      try {
        groups.startConfigured(loadGroupDefinitions(files.configPath, (line) => log.warn("LEDGER", line)));
      } catch (e) {
        log.error("LEDGER", `loading new groups failed: ${(e as Error).message}`);
      }
    }
    if (existsSync(WHITELIST_SIGNAL)) {
      rmSync(WHITELIST_SIGNAL, { force: true });
      try {
        const fresh = parseConfigIni(readFileSync(configPath, "utf8"), { source: configPath });
        p2p.setWhitelist(fresh.whitelist);
      } catch (e) {
        log.error("P2P", `reloading the certificate whitelist failed: ${(e as Error).message}`);
      }
    }
  }, 1000);

  const stop = () => {
    log.info("INITIALIZER", "stopping");
    clearInterval(signals);
    groups.close();
    p2p.close();
    rpc.close();
    channel.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const stamp = new Date().toISOString().replace("T", " ").slice(0, 19);
  process.stdout.write(`[${stamp}] The FISCO-BCOS is running...\n`);
  log.info("INITIALIZER", "running");
}

function main(argv: string[]): void {
  let build: BuildInfo;
  try {
    build = buildInfo();
  } catch (e) {
    refuse((e as Error).message);
  }
  if (argv.length === 1 && (argv[0] === "-v" || argv[0] === "--version")) {
    process.stdout.write(versionBlock(build));
    return;
  }
  if (argv.length !== 2 || (argv[0] !== "-c" && argv[0] !== "--config")) {
    process.stderr.write(USAGE);
    process.exit(1);
  }
  runNode(argv[1], build).catch((e: unknown) => refuse(e instanceof StartupError ? e.message : ((e as Error).stack ?? String(e))));
}

main(process.argv.slice(2));

/** The `hosts:` section: machines, how to reach them, and where node folders go. */
import { Checker, isGiven, keyPath } from "./checker";
import { addressProblem, configKeyProblem, deployDirProblem, hostKeyProblem, nameProblem, Problem, sshUserProblem } from "./formats";
import { Host, HostConnection } from "./types";

const HOST_KEYS = ["address", "connection", "deployDir"];
const SSH_KEYS = ["port", "user", "privateKeyConfig", "hostKey"];
const HOST_EXAMPLE = "{ address: 127.0.0.1, connection: local, deployDir: /opt/fisco }";

/** A string field that must also satisfy a format rule. */
function formatted(c: Checker, value: unknown, path: string, example: string, rule: (text: string) => Problem | undefined): string | undefined {
  const text = c.text(value, path, example);
  if (text === undefined) return undefined;
  const problem = rule(text);
  if (problem === undefined) return text;
  c.report(path, text, problem.message, problem.fix);
  return undefined;
}

function readSsh(c: Checker, value: unknown, path: string): HostConnection | undefined {
  // `ssh:` with nothing under it means "all defaults".
  const map = value === null ? {} : c.map(value, path, "{ user: fisco, port: 22 }");
  if (map === undefined) return undefined;
  c.onlyKeys(map, path, SSH_KEYS);
  const at = (key: string) => keyPath(path, key);
  const port = c.integer(map.port, at("port"), { min: 1, max: 65535, example: 22 });
  const user = formatted(c, map.user, at("user"), "fisco", sshUserProblem);
  const keyConfig = formatted(c, map.privateKeyConfig, at("privateKeyConfig"), "sshPrivateKey", configKeyProblem);
  const hostKey = formatted(c, map.hostKey, at("hostKey"), "ssh-ed25519 AAAA…", hostKeyProblem);
  const connection: HostConnection = {
    kind: "ssh",
    port: port ?? 22,
    user: user ?? "root",
    privateKeyConfig: keyConfig ?? "sshPrivateKey",
  };
  if (hostKey !== undefined) connection.hostKey = hostKey;
  return connection;
}

function readConnection(c: Checker, value: unknown, path: string): HostConnection | undefined {
  if (value === "local") return { kind: "local" };
  if (typeof value === "string") {
    c.report(path, value, `unknown connection "${value}"`, "write local, or a map { ssh: { user: …, port: … } }");
    return undefined;
  }
  const map = c.map(value, path, "local or { ssh: { user: fisco } }");
  if (map === undefined) return undefined;
  c.onlyKeys(map, path, ["ssh"]);
  if (!("ssh" in map)) {
    c.report(keyPath(path, "ssh"), undefined, "is required in a connection map", "write connection: local, or connection: { ssh: { user: … } }");
    return undefined;
  }
  return readSsh(c, map.ssh, keyPath(path, "ssh"));
}

function readHost(c: Checker, name: string, value: unknown, path: string): Host | undefined {
  const map = c.settings(value, path, HOST_EXAMPLE);
  if (map === undefined) return undefined;
  c.onlyKeys(map, path, HOST_KEYS);
  const at = (key: string) => keyPath(path, key);
  c.present(map, "address", path, "add address: <IP or DNS name other nodes use to reach this host>");
  c.present(map, "connection", path, "add connection: local, or connection: { ssh: { user: … } }");
  c.present(map, "deployDir", path, "add deployDir: /opt/fisco (an absolute folder on the host)");
  const address = formatted(c, map.address, at("address"), "10.0.0.5", addressProblem);
  const connection = isGiven(map.connection) ? readConnection(c, map.connection, at("connection")) : undefined;
  const deployDir = formatted(c, map.deployDir, at("deployDir"), "/opt/fisco", deployDirProblem);
  if (address === undefined || connection === undefined || deployDir === undefined) return undefined;
  return { name, address, connection, deployDir: deployDir.replace(/\/$/, "") };
}

/**
 * Every declared host name (so nodes naming a broken host are not also told it is unknown), with
 * its settings when they are valid. Undefined when the section itself is missing or not a map.
 */
export function readHosts(c: Checker, value: unknown): HostTable | undefined {
  const map = c.map(value, "hosts", `{ local: ${HOST_EXAMPLE} }`);
  if (map === undefined) return undefined;
  const hosts = new Map<string, Host | undefined>();
  for (const [name, spec] of Object.entries(map)) {
    const path = keyPath("hosts", name);
    const problem = nameProblem("host", name);
    if (problem) c.report(path, name, problem.message, problem.fix);
    hosts.set(name, readHost(c, name, spec, path));
  }
  return hosts;
}

/** Declared host name → its settings, or undefined when they are invalid. */
export type HostTable = ReadonlyMap<string, Host | undefined>;

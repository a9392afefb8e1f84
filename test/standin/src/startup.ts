/**
 * Everything the node reads before it opens a port, with the refusals of FISCO 2.11 (reference
 * §8) plus the identity checks its TLS layer would fail on later. Any problem throws StartupError
 * naming the file; the caller prints it and exits non-zero.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadPrivateKey, type LoadedPrivateKey } from "../../../infra/crypto/keys";
import { publicKeyMatches } from "../../../infra/crypto/public-key";
import { IniError, parseConfigIni, parseGenesis, parseIni, type ParsedConfigIni, type ParsedGenesis } from "../../../infra/fisco/parse";
import { versionAtLeast } from "../../../infra/fisco/version";
import type { BuildInfo } from "./build-info";
import { certifiedNodeId, chainsToCa, loadCertificates, type LoadedCertificate } from "./cert-chain";

export class StartupError extends Error {}

export interface NodeIdentity {
  key: LoadedPrivateKey;
  nodeId: string;
  /** node.crt as read: leaf first; sent to peers, who check it as TLS would. */
  chainPem: string;
  leaf: LoadedCertificate;
  ca: LoadedCertificate;
}

export interface GroupDefinition {
  genesis: ParsedGenesis;
  genesisPath: string;
  iniPath: string;
}

export interface NodeSetup {
  config: ParsedConfigIni;
  identity: NodeIdentity;
  /** Valid genesis files in conf/, by group ID. */
  groups: Map<number, GroupDefinition>;
}

function readText(path: string, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new StartupError(`cannot read the ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  if (text.trim() === "") throw new StartupError(`the ${what} ${path} is empty`);
  return text;
}

function loadKey(path: string, what: string): LoadedPrivateKey {
  try {
    return loadPrivateKey(readText(path, what));
  } catch (e) {
    if (e instanceof StartupError) throw e;
    throw new StartupError(`the ${what} ${path} is not a usable private key: ${(e as Error).message}`);
  }
}

function loadChain(path: string, what: string): LoadedCertificate[] {
  try {
    return loadCertificates(readText(path, what));
  } catch (e) {
    if (e instanceof StartupError) throw e;
    throw new StartupError(`the ${what} ${path} is not a usable certificate: ${(e as Error).message}`);
  }
}

/** A key file and the certificate file whose first certificate must be its public half. */
function loadPair(dir: string, keyFile: string, certFile: string, what: string) {
  const key = loadKey(join(dir, keyFile), `${what} key`);
  const chain = loadChain(join(dir, certFile), `${what} certificate`);
  if (!publicKeyMatches(chain[0].certificate.tbsCertificate.subjectPublicKeyInfo, key.keyPair)) {
    throw new StartupError(`${join(dir, keyFile)} does not belong to the certificate ${join(dir, certFile)}`);
  }
  return { key, chain };
}

function loadIdentity(config: ParsedConfigIni, nodeDir: string): NodeIdentity {
  const ns = config.networkSecurity;
  const dir = resolve(nodeDir, ns.dataPath);
  const { key, chain } = loadPair(dir, ns.key, ns.cert, "node");
  const expected = config.chain.smCrypto ? "sm2" : "secp256k1";
  if (key.keyPair.algorithm !== expected) {
    throw new StartupError(
      `[chain] sm_crypto=${config.chain.smCrypto}: the node key must be ${expected}, but ${join(dir, ns.key)} is ${key.keyPair.algorithm}`,
    );
  }
  const ca = loadChain(join(dir, ns.caCert), "CA certificate")[0];
  if (!chainsToCa(chain, ca)) {
    throw new StartupError(`the node certificate ${join(dir, ns.cert)} does not chain to the CA ${join(dir, ns.caCert)}`);
  }
  const nodeId = certifiedNodeId(chain[0]);
  if (!nodeId) throw new StartupError(`the node certificate ${join(dir, ns.cert)} has no EC public key`);
  return { key, nodeId, chainPem: readText(join(dir, ns.cert), "node certificate"), leaf: chain[0], ca };
}

/** The second TLS context: GM encryption pair, and the SDK channel's material for its mode. */
function checkOtherTlsMaterial(config: ParsedConfigIni, nodeDir: string): void {
  const ns = config.networkSecurity;
  const dir = resolve(nodeDir, ns.dataPath);
  const { smCrypto, smCryptoChannel, rsaCryptoChannel } = config.chain;
  if (smCrypto) {
    // The enc key path is data_path + en_key, literally (hence the trailing slash rule).
    loadPair(dir, ns.enKey, ns.enCert, "GM encryption");
    if (smCryptoChannel) return;
  }
  const channelDir = rsaCryptoChannel && versionAtLeast(config.supportedVersion, "2.9.0") ? "channel_cert" : smCrypto ? "origin_cert" : undefined;
  if (!channelDir) return; // the channel shares the P2P material
  loadPair(join(dir, channelDir), "node.key", "node.crt", `channel (${channelDir})`);
  loadChain(join(dir, channelDir, "ca.crt"), `channel CA certificate (${channelDir})`);
}

/** Range checks the node applies to group.N.ini (reference §3.2). */
const GROUP_INI_RANGES: [section: string, key: string, min: number, max: number][] = [
  ["consensus", "ttl", 0, 5],
  ["consensus", "min_block_generation_time", 0, Number.MAX_SAFE_INTEGER],
  ["consensus", "prepare_status_broadcast_percent", 25, 100],
  ["consensus", "max_request_missedTxs_waitTime", 5, 1000],
  ["consensus", "max_request_prepare_waitTime", 10, 1000],
  ["tx_pool", "limit", 0, Number.MAX_SAFE_INTEGER],
  ["tx_pool", "notify_worker_num", 1, Number.MAX_SAFE_INTEGER],
  ["sync", "max_block_sync_memory_size", 32, Number.MAX_SAFE_INTEGER],
  ["sync", "gossip_interval_ms", 1000, 3000],
  ["sync", "gossip_peers_number", 1, Number.MAX_SAFE_INTEGER],
];
const STORAGE_TYPES = ["rocksdb", "mysql", "scalable", "leveldb"];

function checkGroupIni(path: string): void {
  const doc = parseIni(readText(path, "group config"), path);
  for (const [section, key, min, max] of GROUP_INI_RANGES) {
    const entry = doc.sections.get(section)?.entries.get(key);
    if (!entry) continue;
    const value = /^-?\d+$/.test(entry.value) ? Number(entry.value) : NaN;
    if (!(value >= min && value <= max)) throw new IniError(path, entry.line, `[${section}] ${key}: must be ${min}..${max}, got ${entry.value}`);
  }
  const storage = doc.sections.get("storage")?.entries.get("type");
  if (storage && !STORAGE_TYPES.includes(storage.value.toLowerCase())) {
    throw new IniError(path, storage.line, `[storage] type: unsupported storage type ${storage.value}`);
  }
}

/** `conf/…/x.genesis` → `conf/…/x.ini`, as the node derives it. */
export const groupIniPath = (genesisPath: string) => genesisPath.replace(/genesis$/, "ini");

export function loadGroupDefinition(genesisPath: string): GroupDefinition {
  const genesis = parseGenesis(readText(genesisPath, "group genesis"), genesisPath);
  const iniPath = groupIniPath(genesisPath);
  if (existsSync(iniPath)) checkGroupIni(iniPath);
  return { genesis, genesisPath, iniPath };
}

/** Every valid `*.genesis` of the group config folder, by group ID (invalid IDs are skipped, as the node does). */
export function loadGroupDefinitions(dir: string, log: (line: string) => void): Map<number, GroupDefinition> {
  const groups = new Map<number, GroupDefinition>();
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".genesis"))
        .sort()
    : [];
  for (const file of files) {
    const group = loadGroupDefinition(join(dir, file));
    const id = group.genesis.groupId;
    if (id < 1 || id > 32767) {
      log(`skipping ${file}: group ID ${id} is outside 1..32767`);
      continue;
    }
    const earlier = groups.get(id);
    if (earlier) throw new StartupError(`group ${id} is defined twice: ${earlier.genesisPath} and ${group.genesisPath}`);
    groups.set(id, group);
  }
  return groups;
}

/** Reads and checks config.ini and what it points to. `configPath` is relative to the working directory. */
export function loadNodeSetup(configPath: string, build: BuildInfo, log: (line: string) => void): NodeSetup {
  const nodeDir = process.cwd();
  try {
    const config = parseConfigIni(readText(configPath, "config file"), { source: configPath, binaryVersion: build.version });
    if (config.chain.smCrypto && !build.gm) {
      throw new StartupError(`[chain] sm_crypto=true, but this fisco-bcos ${build.version} is not a GM build`);
    }
    const identity = loadIdentity(config, nodeDir);
    checkOtherTlsMaterial(config, nodeDir);
    return { config, identity, groups: loadGroupDefinitions(resolve(nodeDir, config.group.configPath), log) };
  } catch (e) {
    if (e instanceof IniError) throw new StartupError(e.message);
    throw e;
  }
}

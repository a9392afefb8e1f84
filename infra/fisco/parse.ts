/**
 * Readers for the files a node loads at startup, with the node's own acceptance rules, so a
 * stand-in node (and our tests) reject what FISCO would reject. Every error names the file, the
 * line and what is wrong.
 *
 * INI syntax follows Boost `read_ini`, which FISCO uses: lines are trimmed; a line starting with
 * `;` is a comment (a `;` later in a line is part of the value); `[name]` opens a section (text
 * after `]` is ignored); `key=value` splits at the first `=`; a repeated section or a repeated key
 * within a section is an error. Stricter than Boost: a key before the first section is an error
 * (FISCO never reads top-level keys, so one is always a mistake).
 */
import { isIPv6 } from "node:net";
import type { ConsensusType, GenesisParams } from "../topology/types";
import { isNodeId } from "./node-id";
import { compareVersions, parseVersion } from "./version";

export class IniError extends Error {
  constructor(
    readonly source: string,
    /** 1-based; undefined when the problem is a missing key rather than a line. */
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${source}: ${reason}` : `${source}:${line}: ${reason}`);
    this.name = "IniError";
  }
}

export interface IniEntry {
  value: string;
  line: number;
}

export interface IniSection {
  line: number;
  /** Keys in file order. */
  entries: ReadonlyMap<string, IniEntry>;
}

export interface IniDocument {
  /** File name used in error messages. */
  source: string;
  /** Sections in file order. */
  sections: ReadonlyMap<string, IniSection>;
}

// Boost trims with the classic locale's isspace.
const trim = (s: string) => s.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "");

export function parseIni(text: string, source = "ini"): IniDocument {
  const sections = new Map<string, IniSection>();
  let current: Map<string, IniEntry> | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = index + 1;
    const fail = (reason: string) => {
      throw new IniError(source, line, reason);
    };
    const content = trim(raw);
    if (content === "" || content.startsWith(";")) return;
    if (content.startsWith("[")) {
      const end = content.indexOf("]");
      if (end < 0) fail(`unmatched '[' in ${JSON.stringify(content)}`);
      const name = trim(content.slice(1, end));
      const earlier = sections.get(name);
      if (earlier) fail(`duplicate section [${name}] (first at line ${earlier.line})`);
      current = new Map();
      sections.set(name, { line, entries: current });
      return;
    }
    const eq = content.indexOf("=");
    if (eq < 0) fail(`expected key=value, got ${JSON.stringify(content)}`);
    if (eq === 0) fail(`missing key before '=' in ${JSON.stringify(content)}`);
    const key = trim(content.slice(0, eq));
    if (!current) return fail(`key ${key} appears before any [section]`);
    const earlier = current.get(key);
    if (earlier) fail(`duplicate key ${key} (first at line ${earlier.line})`);
    current.set(key, { value: trim(content.slice(eq + 1)), line });
  });
  return { source, sections };
}

/** Typed access to one INI document; conversions fail with the key's line number. */
class IniReader {
  constructor(readonly doc: IniDocument) {}

  entry(sectionName: string, key: string): IniEntry | undefined {
    return this.doc.sections.get(sectionName)?.entries.get(key);
  }

  /** Entries of a section whose key starts with `prefix`, in file order. */
  withPrefix(sectionName: string, prefix: string): [string, IniEntry][] {
    const entries = this.doc.sections.get(sectionName)?.entries ?? new Map<string, IniEntry>();
    return [...entries].filter(([key]) => key.startsWith(prefix));
  }

  fail(sectionName: string, key: string, reason: string): never {
    const at = this.entry(sectionName, key)?.line;
    throw new IniError(this.doc.source, at, `[${sectionName}] ${key}: ${reason}`);
  }

  string(sectionName: string, key: string, fallback: string): string {
    return this.entry(sectionName, key)?.value ?? fallback;
  }

  /** Integers as Boost's stream extraction accepts them, then range-checked. */
  int(sectionName: string, key: string, fallback: number, min = -Infinity, max = Infinity): number {
    const found = this.entry(sectionName, key);
    if (!found) return fallback;
    const value = /^[+-]?\d+$/.test(found.value) ? Number(found.value) : NaN;
    if (!Number.isSafeInteger(value)) this.fail(sectionName, key, `expected an integer, got ${JSON.stringify(found.value)}`);
    if (value < min || value > max) {
      const range = max === Infinity ? `${min} or more` : `${min}..${max}`;
      this.fail(sectionName, key, `must be ${range}, got ${value}`);
    }
    return value;
  }

  /** Boost reads a bool as `0`/`1` or `true`/`false`. */
  bool(sectionName: string, key: string, fallback: boolean): boolean {
    const found = this.entry(sectionName, key);
    if (!found) return fallback;
    if (found.value === "true" || found.value === "1") return true;
    if (found.value === "false" || found.value === "0") return false;
    return this.fail(sectionName, key, `expected true or false, got ${JSON.stringify(found.value)}`);
  }

  port(sectionName: string, key: string, fallback: number): number {
    return this.int(sectionName, key, fallback, 1, 65535);
  }
}

// ---------------------------------------------------------------------------------------------
// group.N.genesis

export interface ParsedGenesis {
  /** `[group] id`; 0 when absent. The node loads 1..32767 and skips (not fatal) anything else. */
  groupId: number;
  /** `[group] timestamp` in ms; undefined when absent (the node then uses INT64_MAX). */
  timestamp?: number;
  /** `[consensus] node.*` in file order, lower-case, without `0x`. */
  sealers: string[];
  /** `[state] type`: storage or mpt. */
  stateType: string;
  /**
   * With the node's defaults applied. `consensus` is lower-cased (the node accepts any case); the
   * node puts the text as written into the genesis mark, so `PBFT` would give a different mark
   * than `pbft`. Our renderer always writes lower case.
   */
  params: GenesisParams;
}

const CONSENSUS_TYPES: readonly ConsensusType[] = ["pbft", "raft", "rpbft"];
const INT32_MAX = 2147483647;

export function parseGenesis(text: string, source = "group.genesis"): ParsedGenesis {
  const r: IniReader = new IniReader(parseIni(text, source));

  const sealers = r.withPrefix("consensus", "node.").map(([key, { value }]) => {
    const id = value.replace(/^0x/i, "").toLowerCase();
    if (!isNodeId(id)) r.fail("consensus", key, `not a node ID (128 hex, not all zero): ${JSON.stringify(value)}`);
    return id;
  });

  const consensus = r.string("consensus", "consensus_type", "pbft").toLowerCase() as ConsensusType;
  if (!CONSENSUS_TYPES.includes(consensus)) r.fail("consensus", "consensus_type", `must be pbft, raft or rpbft`);

  const stateType = r.string("state", "type", "storage");
  if (stateType !== "storage" && stateType !== "mpt") r.fail("state", "type", `must be storage or mpt, got ${stateType}`);

  const timestampEntry = r.entry("group", "timestamp");
  return {
    groupId: r.int("group", "id", 0),
    timestamp: timestampEntry ? r.int("group", "timestamp", 0, 0) : undefined,
    sealers,
    stateType,
    params: {
      consensus,
      maxTransNum: r.int("consensus", "max_trans_num", 1000, 1),
      gasLimit: r.int("tx", "gas_limit", 300000000, 0),
      consensusTimeout: r.int("consensus", "consensus_timeout", 3, 3, INT32_MAX - 1),
      epochSealerNum: r.int("consensus", "epoch_sealer_num", sealers.length, 1),
      epochBlockNum: r.int("consensus", "epoch_block_num", 1000, 2),
      enableFreeStorage: r.bool("evm", "enable_free_storage", false),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// config.ini

export interface PeerAddress {
  host: string;
  port: number;
}

export interface ParsedConfigIni {
  rpc: {
    channelListenIp: string;
    channelListenPort: number;
    jsonrpcListenIp: string;
    jsonrpcListenPort: number;
    disableDynamicGroup: boolean;
  };
  p2p: { listenIp: string; listenPort: number; peers: PeerAddress[] };
  /** Valid node IDs (lower-case) from `[certificate_blacklist] crl.*`; invalid entries are ignored as the node does. */
  blacklist: string[];
  /** Same for `[certificate_whitelist] cal.*`; non-empty means only these peers may connect. */
  whitelist: string[];
  group: { dataPath: string; configPath: string };
  networkSecurity: { dataPath: string; key: string; cert: string; caCert: string; enKey: string; enCert: string };
  storageSecurity: { enable: boolean; keyManagerIp: string; keyManagerPort: number; cipherDataKey: string };
  chain: { id: number; smCrypto: boolean; smCryptoChannel: boolean; rsaCryptoChannel: boolean };
  supportedVersion: string;
  log: { enable: boolean; logPath: string; level: string; maxLogFileSize: number };
}

export interface ParseConfigIniOptions {
  source?: string;
  /** The binary's version: supported_version above it is refused, as the node does. */
  binaryVersion?: string;
}

const LOG_LEVELS = ["trace", "debug", "info", "warning", "error"];

/** `host:port` or `[ipv6]:port`, as accepted in `[p2p] node.*`. */
function parsePeer(value: string): PeerAddress | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(value) ?? /^([^:\s[\]]+):(\d+)$/.exec(value);
  if (!m || (value.startsWith("[") && !isIPv6(m[1]))) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

/** 2.11 reads the pre-2.2 section name (`crl` / `cal`) when the current one is absent. */
function validIds(r: IniReader, sectionName: string, legacyName: string, prefix: string): string[] {
  return r
    .withPrefix(r.doc.sections.has(sectionName) ? sectionName : legacyName, prefix)
    .map(([, { value }]) => value.toLowerCase())
    .filter(isNodeId);
}

/** Disk encryption: its keys are only checked when it is enabled (build_chain leaves them empty). */
function readStorageSecurity(r: IniReader): ParsedConfigIni["storageSecurity"] {
  const enable = r.bool("storage_security", "enable", false);
  if (!enable) return { enable, keyManagerIp: "", keyManagerPort: 0, cipherDataKey: "" };
  const cipherDataKey = r.string("storage_security", "cipher_data_key", "");
  if (cipherDataKey === "") r.fail("storage_security", "cipher_data_key", "required when enable=true");
  return {
    enable,
    keyManagerIp: r.string("storage_security", "key_manager_ip", ""),
    keyManagerPort: r.port("storage_security", "key_manager_port", 20000),
    cipherDataKey,
  };
}

export function parseConfigIni(text: string, options: ParseConfigIniOptions = {}): ParsedConfigIni {
  const r: IniReader = new IniReader(parseIni(text, options.source ?? "config.ini"));

  const supportedVersion = r.string("compatibility", "supported_version", "2.0.0-rc1");
  const version = parseVersion(supportedVersion);
  if (!version) r.fail("compatibility", "supported_version", `expected x.y.z, got ${JSON.stringify(supportedVersion)}`);
  if (options.binaryVersion !== undefined) {
    const binary = parseVersion(options.binaryVersion);
    if (!binary) throw new Error(`binary version ${JSON.stringify(options.binaryVersion)} is not x.y.z`);
    if (compareVersions(version, binary) > 0) {
      r.fail("compatibility", "supported_version", `${supportedVersion} is above the binary's ${options.binaryVersion}`);
    }
  }

  const smCrypto = r.bool("chain", "sm_crypto", false);
  const legacyListenIp = r.entry("rpc", "listen_ip")?.value;
  const peers = r.withPrefix("p2p", "node.").map(([key, { value }]) => {
    const peer = parsePeer(value);
    if (!peer) r.fail("p2p", key, `expected <host>:<port> or [<ipv6>]:<port>, got ${JSON.stringify(value)}`);
    return peer;
  });

  const dataPath = r.string("network_security", "data_path", "./conf/");
  // GM builds the enc key path as data_path + en_key, so a missing slash points at another file.
  if (smCrypto && !dataPath.endsWith("/")) r.fail("network_security", "data_path", `must end with '/' in GM mode`);

  const level = r.string("log", "level", "info");
  if (!LOG_LEVELS.includes(level)) r.fail("log", "level", `must be one of ${LOG_LEVELS.join(", ")}, got ${level}`);

  return {
    rpc: {
      channelListenIp: r.string("rpc", "channel_listen_ip", legacyListenIp ?? "0.0.0.0"),
      channelListenPort: r.port("rpc", "channel_listen_port", 20200),
      jsonrpcListenIp: r.string("rpc", "jsonrpc_listen_ip", legacyListenIp ?? "127.0.0.1"),
      jsonrpcListenPort: r.port("rpc", "jsonrpc_listen_port", 8545),
      disableDynamicGroup: r.bool("rpc", "disable_dynamic_group", false),
    },
    p2p: { listenIp: r.string("p2p", "listen_ip", "0.0.0.0"), listenPort: r.port("p2p", "listen_port", 30300), peers },
    blacklist: validIds(r, "certificate_blacklist", "crl", "crl."),
    whitelist: validIds(r, "certificate_whitelist", "cal", "cal."),
    group: {
      dataPath: r.string("group", "group_data_path", "data/"),
      configPath: r.string("group", "group_config_path", "conf/"),
    },
    networkSecurity: {
      dataPath,
      key: r.string("network_security", "key", smCrypto ? "gmnode.key" : "node.key"),
      cert: r.string("network_security", "cert", smCrypto ? "gmnode.crt" : "node.crt"),
      caCert: r.string("network_security", "ca_cert", smCrypto ? "gmca.crt" : "ca.crt"),
      enKey: r.string("network_security", "en_key", "gmennode.key"),
      enCert: r.string("network_security", "en_cert", "gmennode.crt"),
    },
    storageSecurity: readStorageSecurity(r),
    chain: {
      id: r.int("chain", "id", 1, 0),
      smCrypto,
      smCryptoChannel: r.bool("chain", "sm_crypto_channel", false),
      rsaCryptoChannel: r.bool("chain", "rsa_crypto_channel", false),
    },
    supportedVersion,
    log: {
      enable: r.bool("log", "enable", true),
      logPath: r.string("log", "log_path", "log"),
      level,
      maxLogFileSize: r.int("log", "max_log_file_size", 1024, 100),
    },
  };
}

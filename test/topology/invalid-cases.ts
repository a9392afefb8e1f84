/**
 * Invalid topologies, one problem each, with the issue validation must report. Shared with the
 * CLI tests, which run `render` on every `yaml` and expect a non-zero exit and no output.
 */
import * as yaml from "js-yaml";

export interface InvalidTopologyCase {
  name: string;
  /** The topology as data (what the Pulumi program would get from stack config). */
  topology: unknown;
  /** The same topology as a standalone YAML file. */
  yaml: string;
  /** Path of the issue that must be reported. */
  path: string;
  /** The offending value the issue must carry (undefined: something required is missing). */
  value: unknown;
  /** A fragment of the issue's message. */
  messagePart: string;
  /** A fragment of the issue's fix, where the fix itself is the point. */
  fixPart?: string;
  /** How many issues the topology has in all (1 unless the mistake is reported in two places). */
  issueCount: number;
}

/** Cases write deliberately broken shapes, so the draft is untyped on purpose. */
type Draft = any;

/** Adds an own entry even for `__proto__`, which plain assignment would take as the prototype. */
function put(map: Draft, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, enumerable: true, configurable: true, writable: true });
}

const SYSTEM_FOLDER_FIX = "/home/fisco/chain or /var/lib/fisco";

/** A valid topology each case breaks in one place. */
export function baseTopology(): Draft {
  return {
    chain: { id: 1, version: "2.11.1", install: false },
    hosts: {
      local: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/bcos-pulumi/test" },
      remote: { address: "10.0.0.5", connection: { ssh: { user: "fisco", port: 22 } }, deployDir: "/opt/fisco" },
    },
    agencies: {
      agencyA: { nodes: { node0: { host: "local" }, node1: { host: "local" } } },
      agencyB: { nodes: { node2: { host: "remote" } } },
    },
    groups: {
      "1": { sealers: ["node0", "node1"], timestamp: 1700000000000 },
      "2": { consensus: "rpbft", sealers: ["node0", "node1", "node2"], timestamp: 1700000000000 },
    },
  };
}

interface CaseSpec {
  name: string;
  /** Changes the base topology in place, or returns a replacement. */
  edit: (t: Draft) => Draft | undefined;
  path: string;
  value: unknown;
  messagePart: string;
  fixPart?: string;
  issueCount?: number;
}

const specs: CaseSpec[] = [
  // top level
  { name: "not a map", edit: () => ["hosts"], path: "", value: ["hosts"], messagePart: "must be a map" },
  { name: "empty document", edit: () => null, path: "", value: null, messagePart: "is empty" },
  { name: "hosts missing", edit: (t) => void delete t.hosts, path: "hosts", value: undefined, messagePart: "is required" },
  { name: "agencies missing", edit: (t) => void delete t.agencies, path: "agencies", value: undefined, messagePart: "is required" },
  { name: "hosts is a list", edit: (t) => void (t.hosts = ["local"]), path: "hosts", value: ["local"], messagePart: "must be a map" },
  { name: "top-level typo", edit: (t) => void (t.group = {}), path: "group", value: {}, messagePart: 'unknown key "group"', fixPart: 'did you mean "groups"' },

  // chain
  { name: "negative chain id", edit: (t) => void (t.chain.id = -1), path: "chain.id", value: -1, messagePart: "at least 0" },
  { name: "fractional chain id", edit: (t) => void (t.chain.id = 1.5), path: "chain.id", value: 1.5, messagePart: "whole number" },
  { name: "quoted chain id", edit: (t) => void (t.chain.id = "1"), path: "chain.id", value: "1", messagePart: "not a string", fixPart: "without quotes" },
  { name: "smCrypto not a boolean", edit: (t) => void (t.chain.smCrypto = "yes"), path: "chain.smCrypto", value: "yes", messagePart: "true or false" },
  {
    name: "rsaCryptoChannel not a boolean",
    edit: (t) => void (t.chain.rsaCryptoChannel = "off"),
    path: "chain.rsaCryptoChannel",
    value: "off",
    messagePart: "true or false",
  },
  {
    name: "GM channel without GM",
    edit: (t) => void Object.assign(t.chain, { smCrypto: false, smCryptoChannel: true }),
    path: "chain.smCryptoChannel",
    value: true,
    messagePart: "needs smCrypto: true",
  },
  { name: "version 3.x", edit: (t) => void (t.chain.version = "3.6.0"), path: "chain.version", value: "3.6.0", messagePart: "2.x chains only" },
  { name: "version too old", edit: (t) => void (t.chain.version = "2.8.0"), path: "chain.version", value: "2.8.0", messagePart: "at least 2.9.0" },
  { name: "version with two parts", edit: (t) => void (t.chain.version = "2.11"), path: "chain.version", value: "2.11", messagePart: "x.y.z" },
  { name: "version with v prefix", edit: (t) => void (t.chain.version = "v2.11.1"), path: "chain.version", value: "v2.11.1", messagePart: "x.y.z" },
  {
    name: "version as a number",
    edit: (t) => void (t.chain.version = 2.11),
    path: "chain.version",
    value: 2.11,
    messagePart: "not a number",
    fixPart: "quote it",
  },
  { name: "certValidityDays 0", edit: (t) => void (t.chain.certValidityDays = 0), path: "chain.certValidityDays", value: 0, messagePart: "from 1 to 36500" },
  {
    name: "certValidityDays too large",
    edit: (t) => void (t.chain.certValidityDays = 40000),
    path: "chain.certValidityDays",
    value: 40000,
    messagePart: "from 1 to 36500",
  },
  {
    name: "binary with path and url",
    edit: (t) => void (t.chain.binary = { path: "./fisco-bcos", url: "https://example.com/f.tgz", sha256: "a".repeat(64) }),
    path: "chain.binary",
    value: { path: "./fisco-bcos", url: "https://example.com/f.tgz", sha256: "a".repeat(64) },
    messagePart: "both path and url",
  },
  {
    name: "binary with neither path nor url",
    edit: (t) => void (t.chain.binary = { sha256: "a".repeat(64) }),
    path: "chain.binary",
    value: { sha256: "a".repeat(64) },
    messagePart: "needs path or url",
  },
  {
    name: "binary url without sha256",
    edit: (t) => void (t.chain.binary = { url: "https://example.com/f.tgz" }),
    path: "chain.binary.sha256",
    value: undefined,
    messagePart: "required with url",
  },
  {
    name: "binary sha256 not hex",
    edit: (t) => void (t.chain.binary = { path: "./fisco-bcos", sha256: "xyz" }),
    path: "chain.binary.sha256",
    value: "xyz",
    messagePart: "64 hex",
  },
  {
    name: "binary url not http",
    edit: (t) => void (t.chain.binary = { url: "ftp://example.com/f.tgz", sha256: "a".repeat(64) }),
    path: "chain.binary.url",
    value: "ftp://example.com/f.tgz",
    messagePart: "http(s) URL",
  },
  {
    name: "blacklist entry too short",
    edit: (t) => void (t.chain.certificateBlacklist = ["ab".repeat(63)]),
    path: "chain.certificateBlacklist[0]",
    value: "ab".repeat(63),
    messagePart: "128 hex characters, not 126",
  },
  {
    name: "blacklist entry not hex",
    edit: (t) => void (t.chain.certificateBlacklist = ["g".repeat(128)]),
    path: "chain.certificateBlacklist[0]",
    value: "g".repeat(128),
    messagePart: "hexadecimal",
  },
  {
    name: "blacklist entry with 0x",
    edit: (t) => void (t.chain.certificateBlacklist = [`0x${"ab".repeat(64)}`]),
    path: "chain.certificateBlacklist[0]",
    value: `0x${"ab".repeat(64)}`,
    messagePart: "0x",
    fixPart: "drop the 0x prefix",
  },
  {
    name: "blacklist not a list",
    edit: (t) => void (t.chain.certificateBlacklist = "ab".repeat(64)),
    path: "chain.certificateBlacklist",
    value: "ab".repeat(64),
    messagePart: "must be a list",
  },
  {
    name: "whitelist entry repeated",
    edit: (t) => void (t.chain.certificateWhitelist = ["ab".repeat(64), "cd".repeat(64), "ab".repeat(64)]),
    path: "chain.certificateWhitelist[2]",
    value: "ab".repeat(64),
    messagePart: "repeats chain.certificateWhitelist[0]",
  },
  {
    name: "whitelist entry repeated in another case",
    edit: (t) => void (t.chain.certificateWhitelist = ["ab".repeat(64), "AB".repeat(64)]),
    path: "chain.certificateWhitelist[1]",
    value: "AB".repeat(64),
    messagePart: "repeats chain.certificateWhitelist[0]",
  },
  {
    name: "whitelist entry all zeros",
    edit: (t) => void (t.chain.certificateWhitelist = ["0".repeat(128)]),
    path: "chain.certificateWhitelist[0]",
    value: "0".repeat(128),
    messagePart: "all zeros",
  },
  {
    name: "node ID in both blacklist and whitelist",
    edit: (t) => void Object.assign(t.chain, { certificateBlacklist: ["ab".repeat(64)], certificateWhitelist: ["cd".repeat(64), "AB".repeat(64)] }),
    path: "chain.certificateWhitelist",
    value: "ab".repeat(64),
    messagePart: "certificateBlacklist also lists",
  },
  {
    name: "chain key typo",
    edit: (t) => void (t.chain.smcrypto = true),
    path: "chain.smcrypto",
    value: true,
    messagePart: "unknown key",
    fixPart: '"smCrypto"',
  },

  // hosts
  {
    name: "host name with a space",
    edit: (t) => void (t.hosts["my host"] = { address: "10.0.0.9", connection: "local", deployDir: "/opt/fisco" }),
    path: "hosts.my host",
    value: "my host",
    messagePart: "letters, digits, _ and -",
  },
  {
    name: "host name too long",
    edit: (t) => void (t.hosts["h".repeat(65)] = { address: "10.0.0.9", connection: "local", deployDir: "/opt/fisco" }),
    path: `hosts.${"h".repeat(65)}`,
    value: "h".repeat(65),
    messagePart: "longer than 64",
  },
  {
    name: "host name a plain number",
    edit: (t) => void (t.hosts["7"] = { address: "10.0.0.9", connection: "local", deployDir: "/opt/fisco" }),
    path: "hosts.7",
    value: "7",
    messagePart: "plain number",
  },
  {
    name: "IPv4 out of range",
    edit: (t) => void (t.hosts.remote.address = "999.1.1.1"),
    path: "hosts.remote.address",
    value: "999.1.1.1",
    messagePart: "not an IPv4 address",
  },
  {
    name: "address with port",
    edit: (t) => void (t.hosts.remote.address = "10.0.0.5:22"),
    path: "hosts.remote.address",
    value: "10.0.0.5:22",
    messagePart: "must not include a port",
  },
  {
    name: "bracketed IPv6",
    edit: (t) => void (t.hosts.remote.address = "[fd00::5]"),
    path: "hosts.remote.address",
    value: "[fd00::5]",
    messagePart: "without brackets",
  },
  {
    name: "host name with underscore",
    edit: (t) => void (t.hosts.remote.address = "fisco_a.example.com"),
    path: "hosts.remote.address",
    value: "fisco_a.example.com",
    messagePart: "host name",
  },
  { name: "address missing", edit: (t) => void delete t.hosts.remote.address, path: "hosts.remote.address", value: undefined, messagePart: "is required" },
  {
    name: "unknown connection word",
    edit: (t) => void (t.hosts.remote.connection = "ssh"),
    path: "hosts.remote.connection",
    value: "ssh",
    messagePart: "unknown connection",
  },
  {
    name: "connection map without ssh",
    edit: (t) => void (t.hosts.remote.connection = { sh: { user: "fisco" } }),
    path: "hosts.remote.connection.sh",
    value: { user: "fisco" },
    messagePart: 'unknown key "sh"',
    fixPart: '"ssh"',
    issueCount: 2,
  },
  {
    name: "ssh port 0",
    edit: (t) => void (t.hosts.remote.connection.ssh.port = 0),
    path: "hosts.remote.connection.ssh.port",
    value: 0,
    messagePart: "from 1 to 65535",
  },
  {
    name: "ssh user upper case",
    edit: (t) => void (t.hosts.remote.connection.ssh.user = "Fisco"),
    path: "hosts.remote.connection.ssh.user",
    value: "Fisco",
    messagePart: "login name",
  },
  {
    name: "ssh user with shell text",
    edit: (t) => void (t.hosts.remote.connection.ssh.user = "fisco;id"),
    path: "hosts.remote.connection.ssh.user",
    value: "fisco;id",
    messagePart: "login name",
  },
  {
    name: "ssh key typo",
    edit: (t) => void (t.hosts.remote.connection.ssh.prot = 22),
    path: "hosts.remote.connection.ssh.prot",
    value: 22,
    messagePart: "unknown key",
    fixPart: '"port"',
  },
  {
    name: "privateKeyConfig with namespace",
    edit: (t) => void (t.hosts.remote.connection.ssh.privateKeyConfig = "bcos:sshKeyA"),
    path: "hosts.remote.connection.ssh.privateKeyConfig",
    value: "bcos:sshKeyA",
    messagePart: "without its namespace",
    fixPart: "sshKeyA",
  },
  {
    name: "privateKeyConfig with a space",
    edit: (t) => void (t.hosts.remote.connection.ssh.privateKeyConfig = "ssh key"),
    path: "hosts.remote.connection.ssh.privateKeyConfig",
    value: "ssh key",
    messagePart: "not a config key name",
  },
  {
    name: "hostKey without type",
    edit: (t) => void (t.hosts.remote.connection.ssh.hostKey = "AAAAC3Nza"),
    path: "hosts.remote.connection.ssh.hostKey",
    value: "AAAAC3Nza",
    messagePart: "host key",
  },
  {
    name: "relative deployDir",
    edit: (t) => void (t.hosts.remote.deployDir = "opt/fisco"),
    path: "hosts.remote.deployDir",
    value: "opt/fisco",
    messagePart: "absolute path",
  },
  {
    name: "deployDir with ~",
    edit: (t) => void (t.hosts.remote.deployDir = "~/fisco"),
    path: "hosts.remote.deployDir",
    value: "~/fisco",
    messagePart: "absolute path",
  },
  {
    name: "deployDir with a space",
    edit: (t) => void (t.hosts.remote.deployDir = "/opt/my fisco"),
    path: "hosts.remote.deployDir",
    value: "/opt/my fisco",
    messagePart: "unsafe in shell",
  },
  {
    name: "deployDir with a quote",
    edit: (t) => void (t.hosts.remote.deployDir = "/opt/fi'sco"),
    path: "hosts.remote.deployDir",
    value: "/opt/fi'sco",
    messagePart: "unsafe in shell",
  },
  {
    name: "deployDir with $()",
    edit: (t) => void (t.hosts.remote.deployDir = "/opt/$(id)"),
    path: "hosts.remote.deployDir",
    value: "/opt/$(id)",
    messagePart: "unsafe in shell",
  },
  {
    name: "deployDir with ..",
    edit: (t) => void (t.hosts.remote.deployDir = "/opt/../etc"),
    path: "hosts.remote.deployDir",
    value: "/opt/../etc",
    messagePart: ". or .. segments",
  },
  { name: "deployDir is /", edit: (t) => void (t.hosts.remote.deployDir = "/"), path: "hosts.remote.deployDir", value: "/", messagePart: "root folder" },
  {
    name: "deployDir is /etc",
    edit: (t) => void (t.hosts.remote.deployDir = "/etc"),
    path: "hosts.remote.deployDir",
    value: "/etc",
    messagePart: "is the system folder /etc",
    fixPart: SYSTEM_FOLDER_FIX,
  },
  {
    name: "deployDir is /etc/",
    edit: (t) => void (t.hosts.remote.deployDir = "/etc/"),
    path: "hosts.remote.deployDir",
    value: "/etc/",
    messagePart: "is the system folder /etc",
  },
  {
    name: "deployDir directly under /etc",
    edit: (t) => void (t.hosts.remote.deployDir = "/etc/fisco"),
    path: "hosts.remote.deployDir",
    value: "/etc/fisco",
    messagePart: "directly under the system folder /etc",
  },
  {
    name: "deployDir resolving under /etc",
    edit: (t) => void (t.hosts.remote.deployDir = "/opt/../etc/x"),
    path: "hosts.remote.deployDir",
    value: "/opt/../etc/x",
    messagePart: "it resolves to /etc/x, directly under the system folder /etc",
    fixPart: SYSTEM_FOLDER_FIX,
  },
  {
    name: "deployDir directly under /home",
    edit: (t) => void (t.hosts.remote.deployDir = "/home/fisco"),
    path: "hosts.remote.deployDir",
    value: "/home/fisco",
    messagePart: "directly under the system folder /home",
  },
  {
    name: "deployDir is /var/lib",
    edit: (t) => void (t.hosts.remote.deployDir = "/var/lib"),
    path: "hosts.remote.deployDir",
    value: "/var/lib",
    messagePart: "directly under the system folder /var",
  },
  {
    name: "deployDir directly under /lib64",
    edit: (t) => void (t.hosts.remote.deployDir = "/lib64/fisco"),
    path: "hosts.remote.deployDir",
    value: "/lib64/fisco",
    messagePart: "directly under the system folder /lib64",
  },
  {
    name: "deployDir is /root",
    edit: (t) => void (t.hosts.local.deployDir = "/root"),
    path: "hosts.local.deployDir",
    value: "/root",
    messagePart: "is the system folder /root",
  },
  {
    name: "deployDir is a number",
    edit: (t) => void (t.hosts.remote.deployDir = 5),
    path: "hosts.remote.deployDir",
    value: 5,
    messagePart: "must be a string",
  },

  // names JavaScript objects already have, and names the output layout uses
  {
    name: "node named __proto__",
    edit: (t) => put(t.agencies.agencyB.nodes, "__proto__", { host: "remote" }),
    path: "agencies.agencyB.nodes.__proto__",
    value: "__proto__",
    messagePart: "is reserved: every JavaScript object",
  },
  {
    name: "agency named __proto__",
    edit: (t) => put(t.agencies, "__proto__", { nodes: { node5: { host: "local" } } }),
    path: "agencies.__proto__",
    value: "__proto__",
    messagePart: "is reserved",
  },
  {
    name: "host named __proto__",
    edit: (t) => put(t.hosts, "__proto__", { address: "10.0.0.9", connection: "local", deployDir: "/opt/fisco" }),
    path: "hosts.__proto__",
    value: "__proto__",
    messagePart: "is reserved",
  },
  {
    name: "node named constructor",
    edit: (t) => void (t.agencies.agencyB.nodes.constructor = { host: "remote" }),
    path: "agencies.agencyB.nodes.constructor",
    value: "constructor",
    messagePart: "is reserved",
  },
  { name: "agency named prototype", edit: (t) => void (t.agencies.prototype = {}), path: "agencies.prototype", value: "prototype", messagePart: "is reserved" },
  {
    name: "host named toString",
    edit: (t) => void (t.hosts.toString = { address: "10.0.0.9", connection: "local", deployDir: "/opt/fisco" }),
    path: "hosts.toString",
    value: "toString",
    messagePart: "is reserved",
  },
  {
    name: "agency named chain",
    edit: (t) => void (t.agencies.chain = {}),
    path: "agencies.chain",
    value: "chain",
    messagePart: "<out>/chain/",
    fixPart: "rename the agency",
  },
  { name: "agency named Chain", edit: (t) => void (t.agencies.Chain = {}), path: "agencies.Chain", value: "Chain", messagePart: "<out>/chain/" },
  { name: "agency named committee", edit: (t) => void (t.agencies.committee = {}), path: "agencies.committee", value: "committee", messagePart: "bcos:party" },
  {
    name: "node named sdk",
    edit: (t) => void (t.agencies.agencyB.nodes.sdk = { host: "remote" }),
    path: "agencies.agencyB.nodes.sdk",
    value: "sdk",
    messagePart: "<agency>/sdk/",
    fixPart: "rename the node",
  },
  {
    name: "node named SDK",
    edit: (t) => void (t.agencies.agencyB.nodes.SDK = { host: "remote" }),
    path: "agencies.agencyB.nodes.SDK",
    value: "SDK",
    messagePart: "<agency>/sdk/",
  },
  {
    name: "node named fisco-bcos",
    edit: (t) => void (t.agencies.agencyB.nodes["fisco-bcos"] = { host: "remote" }),
    path: "agencies.agencyB.nodes.fisco-bcos",
    value: "fisco-bcos",
    messagePart: "<deployDir>/fisco-bcos",
  },
  {
    name: "node named .removed",
    edit: (t) => void (t.agencies.agencyB.nodes[".removed"] = { host: "remote" }),
    path: "agencies.agencyB.nodes..removed",
    value: ".removed",
    messagePart: "letters, digits",
  },
  {
    name: "agency whose package is another agency's SDK bundle",
    edit: (t) => void (t.agencies["agencyA-sdk"] = {}),
    path: "agencies.agencyA-sdk",
    value: "agencyA-sdk",
    messagePart: "its package agencyA-sdk.tar.gz would be the SDK bundle of agencies.agencyA",
  },
  {
    name: "agency whose SDK bundle is an earlier agency's package",
    edit: (t) => ({ ...t, agencies: { "agencyA-sdk": {}, ...t.agencies } }),
    path: "agencies.agencyA",
    value: "agencyA",
    messagePart: "its SDK bundle agencyA-sdk.tar.gz would be the package of agencies.agencyA-sdk",
  },
  {
    name: "agency names that differ only in case",
    edit: (t) => void (t.agencies.AgencyA = {}),
    path: "agencies.AgencyA",
    value: "AgencyA",
    messagePart: "case-insensitive file system",
  },
  {
    name: "node names that differ only in case",
    edit: (t) => void (t.agencies.agencyB.nodes.Node0 = { host: "remote" }),
    path: "agencies.agencyB.nodes.Node0",
    value: "Node0",
    messagePart: "differs from agencies.agencyA.nodes.node0 only in case",
  },

  // agencies and nodes
  {
    name: "agency name with a space",
    edit: (t) => void (t.agencies["agency A"] = {}),
    path: "agencies.agency A",
    value: "agency A",
    messagePart: "letters, digits",
  },
  { name: "agency is a list", edit: (t) => void (t.agencies.agencyC = ["node5"]), path: "agencies.agencyC", value: ["node5"], messagePart: "must be a map" },
  {
    name: "agency key typo",
    edit: (t) => void (t.agencies.agencyC = { node: {} }),
    path: "agencies.agencyC.node",
    value: {},
    messagePart: "unknown key",
    fixPart: '"nodes"',
  },
  {
    name: "node name with a dot",
    edit: (t) => void (t.agencies.agencyB.nodes["node.3"] = { host: "remote" }),
    path: "agencies.agencyB.nodes.node.3",
    value: "node.3",
    messagePart: "letters, digits",
  },
  {
    name: "node name used twice",
    edit: (t) => void (t.agencies.agencyB.nodes.node0 = { host: "remote" }),
    path: "agencies.agencyB.nodes.node0",
    value: "node0",
    messagePart: "already used at agencies.agencyA.nodes.node0",
  },
  {
    name: "unknown host",
    edit: (t) => void (t.agencies.agencyB.nodes.node2.host = "nowhere"),
    path: "agencies.agencyB.nodes.node2.host",
    value: "nowhere",
    messagePart: 'unknown host "nowhere"',
  },
  {
    name: "node without host",
    edit: (t) => void delete t.agencies.agencyB.nodes.node2.host,
    path: "agencies.agencyB.nodes.node2.host",
    value: undefined,
    messagePart: "is required",
  },
  {
    name: "node key typo",
    edit: (t) => void (t.agencies.agencyB.nodes.node2.p2pport = 30300),
    path: "agencies.agencyB.nodes.node2.p2pport",
    value: 30300,
    messagePart: "unknown key",
    fixPart: '"p2pPort"',
  },
  {
    name: "port above 65535",
    edit: (t) => void (t.agencies.agencyB.nodes.node2.p2pPort = 70000),
    path: "agencies.agencyB.nodes.node2.p2pPort",
    value: 70000,
    messagePart: "from 1 to 65535",
  },
  {
    name: "port as a string",
    edit: (t) => void (t.agencies.agencyB.nodes.node2.rpcPort = "8545"),
    path: "agencies.agencyB.nodes.node2.rpcPort",
    value: "8545",
    messagePart: "not a string",
  },
  {
    name: "fractional port",
    edit: (t) => void (t.agencies.agencyB.nodes.node2.channelPort = 20200.5),
    path: "agencies.agencyB.nodes.node2.channelPort",
    value: 20200.5,
    messagePart: "whole number",
  },
  {
    name: "same p2p port twice on one address",
    edit: (t) => void (t.agencies.agencyA.nodes.node1.p2pPort = 30300),
    path: "agencies.agencyA.nodes.node1.p2pPort",
    value: 30300,
    messagePart: "already taken by node0 (p2pPort)",
  },
  {
    name: "rpc port equal to another node's p2p port",
    edit: (t) => void (t.agencies.agencyA.nodes.node1.rpcPort = 30300),
    path: "agencies.agencyA.nodes.node1.rpcPort",
    value: 30300,
    messagePart: "already taken by node0 (p2pPort)",
  },
  {
    name: "explicit port hits a later default",
    edit: (t) => void (t.agencies.agencyA.nodes.node0.channelPort = 20201),
    path: "agencies.agencyA.nodes.node1.channelPort",
    value: 20201,
    messagePart: "default port 20201",
  },
  {
    name: "two host entries for one address",
    edit: (t) => {
      t.hosts.local2 = { address: "127.0.0.1", connection: "local", deployDir: "/tmp/bcos-pulumi/other" };
      t.agencies.agencyB.nodes.node2 = { host: "local2", p2pPort: 30301 };
    },
    path: "agencies.agencyB.nodes.node2.p2pPort",
    value: 30301,
    messagePart: "already taken by node1 (p2pPort)",
  },
  {
    name: "localhost and 127.0.0.1 as two hosts with one port",
    edit: (t) => {
      t.hosts.lh = { address: "localhost", connection: { ssh: { user: "fisco" } }, deployDir: "/opt/fisco" };
      t.agencies.agencyB.nodes.node2 = { host: "lh", p2pPort: 30300 };
    },
    path: "agencies.agencyB.nodes.node2.p2pPort",
    value: 30300,
    messagePart: "already taken by node0 (p2pPort) on host local (127.0.0.1), the same machine",
  },
  {
    name: "two spellings of one IPv6 address with one port",
    edit: (t) => {
      t.hosts.remote.address = "fd00::5";
      t.hosts.v6 = { address: "FD00:0::5", connection: { ssh: { user: "fisco" } }, deployDir: "/opt/fisco" };
      t.agencies.agencyB.nodes.node3 = { host: "v6", p2pPort: 30300 };
    },
    path: "agencies.agencyB.nodes.node3.p2pPort",
    value: 30300,
    messagePart: "already taken by node2 (p2pPort) on host remote (fd00::5), the same machine",
  },
  {
    name: "two local hosts with one port",
    edit: (t) => {
      t.hosts.remote = { address: "10.0.0.5", connection: "local", deployDir: "/opt/fisco" };
      t.agencies.agencyB.nodes.node2 = { host: "remote", rpcPort: 8545 };
    },
    path: "agencies.agencyB.nodes.node2.rpcPort",
    value: 8545,
    messagePart: "local connections and loopback addresses are all this machine",
  },
  { name: "wildcard address", edit: (t) => void (t.hosts.remote.address = "0.0.0.0"), path: "hosts.remote.address", value: "0.0.0.0", messagePart: "wildcard" },

  // groups
  { name: "group id 0", edit: (t) => void (t.groups["0"] = { sealers: ["node0"] }), path: "groups.0", value: "0", messagePart: "from 1 to 32767" },
  {
    name: "group id too large",
    edit: (t) => void (t.groups["40000"] = { sealers: ["node0"] }),
    path: "groups.40000",
    value: "40000",
    messagePart: "from 1 to 32767",
  },
  {
    name: "group id not a number",
    edit: (t) => void (t.groups.main = { sealers: ["node0"] }),
    path: "groups.main",
    value: "main",
    messagePart: "from 1 to 32767",
  },
  {
    name: "group id with leading zero",
    edit: (t) => void (t.groups["03"] = { sealers: ["node0"] }),
    path: "groups.03",
    value: "03",
    messagePart: "from 1 to 32767",
  },
  { name: "group without sealers", edit: (t) => void delete t.groups["1"].sealers, path: "groups.1.sealers", value: undefined, messagePart: "is required" },
  { name: "group with empty sealers", edit: (t) => void (t.groups["1"].sealers = []), path: "groups.1.sealers", value: [], messagePart: "at least one sealer" },
  { name: "sealers not a list", edit: (t) => void (t.groups["1"].sealers = "node0"), path: "groups.1.sealers", value: "node0", messagePart: "must be a list" },
  { name: "sealer not a string", edit: (t) => void (t.groups["1"].sealers = [0]), path: "groups.1.sealers[0]", value: 0, messagePart: "must be a string" },
  {
    name: "unknown sealer",
    edit: (t) => void (t.groups["2"].sealers = ["node0", "node9"]),
    path: "groups.2.sealers[1]",
    value: "node9",
    messagePart: 'unknown node "node9"',
    fixPart: "declare node9 under agencies.<agency>.nodes",
  },
  {
    name: "unknown observer",
    edit: (t) => void (t.groups["1"].observers = ["ghost"]),
    path: "groups.1.observers[0]",
    value: "ghost",
    messagePart: "unknown node",
  },
  { name: "unknown free node", edit: (t) => void (t.groups["1"].free = ["ghost"]), path: "groups.1.free[0]", value: "ghost", messagePart: "unknown node" },
  {
    name: "sealer listed twice",
    edit: (t) => void (t.groups["1"].sealers = ["node0", "node0"]),
    path: "groups.1.sealers[1]",
    value: "node0",
    messagePart: "already listed at groups.1.sealers[0]",
  },
  {
    name: "sealer also observer",
    edit: (t) => void (t.groups["1"].observers = ["node1"]),
    path: "groups.1.observers[0]",
    value: "node1",
    messagePart: "already listed at groups.1.sealers[1]",
  },
  {
    name: "observer also free",
    edit: (t) => void Object.assign(t.groups["1"], { observers: ["node2"], free: ["node2"] }),
    path: "groups.1.free[0]",
    value: "node2",
    messagePart: "already listed at groups.1.observers[0]",
  },
  {
    name: "consensus upper case",
    edit: (t) => void (t.groups["1"].consensus = "PBFT"),
    path: "groups.1.consensus",
    value: "PBFT",
    messagePart: "unknown consensus",
  },
  {
    name: "consensus unknown",
    edit: (t) => void (t.groups["1"].consensus = "poa"),
    path: "groups.1.consensus",
    value: "poa",
    messagePart: "unknown consensus",
  },
  { name: "maxTransNum 0", edit: (t) => void (t.groups["1"].maxTransNum = 0), path: "groups.1.maxTransNum", value: 0, messagePart: "at least 1" },
  { name: "negative gasLimit", edit: (t) => void (t.groups["1"].gasLimit = -1), path: "groups.1.gasLimit", value: -1, messagePart: "at least 0" },
  {
    name: "consensusTimeout below 3",
    edit: (t) => void (t.groups["1"].consensusTimeout = 2),
    path: "groups.1.consensusTimeout",
    value: 2,
    messagePart: "at least 3",
  },
  { name: "epochBlockNum below 2", edit: (t) => void (t.groups["2"].epochBlockNum = 1), path: "groups.2.epochBlockNum", value: 1, messagePart: "at least 2" },
  { name: "epochSealerNum 0", edit: (t) => void (t.groups["2"].epochSealerNum = 0), path: "groups.2.epochSealerNum", value: 0, messagePart: "at least 1" },
  {
    name: "epochSealerNum above sealer count",
    edit: (t) => void (t.groups["2"].epochSealerNum = 4),
    path: "groups.2.epochSealerNum",
    value: 4,
    messagePart: "larger than the number of sealers (3)",
  },
  {
    name: "epoch setting without rpbft",
    edit: (t) => void (t.groups["1"].epochBlockNum = 100),
    path: "groups.1.epochBlockNum",
    value: 100,
    messagePart: "only applies to rpbft",
  },
  {
    name: "timestamp in seconds",
    edit: (t) => void (t.groups["1"].timestamp = 1700000000),
    path: "groups.1.timestamp",
    value: 1700000000,
    messagePart: "looks like seconds",
    fixPart: "1700000000000",
  },
  { name: "negative timestamp", edit: (t) => void (t.groups["1"].timestamp = -5), path: "groups.1.timestamp", value: -5, messagePart: "at least 0" },
  {
    name: "timestamp as a date string",
    edit: (t) => void (t.groups["1"].timestamp = "2024-01-01"),
    path: "groups.1.timestamp",
    value: "2024-01-01",
    messagePart: "must be a number",
  },
  {
    name: "enableFreeStorage quoted",
    edit: (t) => void (t.groups["1"].enableFreeStorage = "false"),
    path: "groups.1.enableFreeStorage",
    value: "false",
    messagePart: "true or false",
    fixPart: "without quotes",
  },
  {
    name: "group key typo",
    edit: (t) => void (t.groups["1"].observer = []),
    path: "groups.1.observer",
    value: [],
    messagePart: "unknown key",
    fixPart: '"observers"',
  },
  { name: "group is a list", edit: (t) => void (t.groups["3"] = ["node0"]), path: "groups.3", value: ["node0"], messagePart: "must be a map" },
  {
    name: "groups without any node",
    edit: (t) => ({ ...t, agencies: { agencyA: {} }, groups: { "1": { sealers: ["node0"] } } }),
    path: "groups",
    value: { "1": { sealers: ["node0"] } },
    messagePart: "no nodes",
    issueCount: 2,
  },
];

export const invalidTopologies: InvalidTopologyCase[] = specs.map((spec) => {
  const draft = baseTopology();
  const edited = spec.edit(draft);
  const topology = edited === undefined ? draft : edited;
  return {
    name: spec.name,
    topology,
    yaml: yaml.dump(topology),
    path: spec.path,
    value: spec.value,
    messagePart: spec.messagePart,
    fixPart: spec.fixPart,
    issueCount: spec.issueCount ?? 1,
  };
});

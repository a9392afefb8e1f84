/** The `chain:` section: chain-wide settings with their defaults. */
import { Checker, isGiven, keyPath } from "./checker";
import { parseVersion, sha256Problem, urlProblem, versionAtLeast, Version } from "./formats";
import { BinarySpec, Chain } from "./types";
import { readNodeIdList } from "./validate-node-id-list";

const DEFAULT: Version = [2, 11, 1];
const DEFAULT_VERSION = DEFAULT.join(".");
/** Dynamic group RPCs (generateGroup/startGroup), which adding groups to a running chain relies on. */
/** channel_cert/ (RSA channel) and the SDK bundle we render exist since 2.9.0. */
const MIN_VERSION: Version = [2, 9, 0];

const CHAIN_KEYS = [
  "id",
  "smCrypto",
  "smCryptoChannel",
  "rsaCryptoChannel",
  "version",
  "certValidityDays",
  "install",
  "binary",
  "deleteDataOnRemove",
  "certificateBlacklist",
  "certificateWhitelist",
];
const BINARY_KEYS = ["path", "url", "sha256"];

function readVersion(c: Checker, value: unknown, path: string): Version | undefined {
  if (typeof value === "number") {
    c.report(path, value, "must be a string x.y.z, not a number", `quote it and give all three parts, e.g. "${DEFAULT_VERSION}"`);
    return undefined;
  }
  const text = c.text(value, path, DEFAULT_VERSION);
  if (text === undefined) return undefined;
  const version = parseVersion(text);
  if (version === undefined) {
    c.report(path, text, "must be a version x.y.z", `write e.g. "${DEFAULT_VERSION}" (no "v" prefix, no suffix)`);
    return undefined;
  }
  if (version[0] !== 2) {
    c.report(
      path,
      text,
      `FISCO BCOS ${version[0]}.x is not supported; this project builds FISCO BCOS 2.x chains only`,
      `use a 2.x release, e.g. "${DEFAULT_VERSION}"`,
    );
    return undefined;
  }
  if (!versionAtLeast(version, MIN_VERSION)) {
    c.report(path, text, "must be at least 2.9.0 (the RSA channel_cert/ layout and SDK bundle need it)", `use "${DEFAULT_VERSION}"`);
    return undefined;
  }
  return version;
}

function readBinary(c: Checker, value: unknown, path: string): BinarySpec | undefined {
  const map = c.map(value, path, "{ path: ./bin/fisco-bcos }");
  if (map === undefined) return undefined;
  c.onlyKeys(map, path, BINARY_KEYS);
  const binary: BinarySpec = {};
  const localPath = c.text(map.path, keyPath(path, "path"), "./bin/fisco-bcos");
  const url = c.text(map.url, keyPath(path, "url"), "https://example.com/fisco-bcos.tar.gz");
  const sha256 = c.text(map.sha256, keyPath(path, "sha256"), "<64 hex characters>");
  if (localPath !== undefined) binary.path = localPath;
  if (url !== undefined) {
    const problem = urlProblem(url);
    if (problem) c.report(keyPath(path, "url"), url, problem.message, problem.fix);
    binary.url = url;
  }
  if (sha256 !== undefined) {
    const problem = sha256Problem(sha256);
    if (problem) c.report(keyPath(path, "sha256"), sha256, problem.message, problem.fix);
    // Lower case so later comparisons with computed digests are plain string equality.
    binary.sha256 = sha256.toLowerCase();
  }
  if (isGiven(map.path) && isGiven(map.url)) {
    c.report(path, map, "gives both path and url", "keep one: path for a local file, or url (with sha256) to download");
  } else if (!isGiven(map.path) && !isGiven(map.url)) {
    c.report(path, map, "needs path or url", "set path: ./bin/fisco-bcos, or url: … with sha256: …");
  }
  if (isGiven(map.url) && !isGiven(map.sha256)) {
    c.report(keyPath(path, "sha256"), undefined, "is required with url (a download is only trusted by its digest)", "add sha256: <output of sha256sum>");
  }
  return binary;
}

/**
 * The chain settings with defaults applied. `installs`: the caller puts nodes on hosts when
 * chain.install is true (the Pulumi program), so it needs chain.binary; render and validate never do.
 */
export function readChain(c: Checker, value: unknown, installs: boolean): { chain: Chain } {
  const path = "chain";
  const map = c.map(value, path, "{ id: 1, install: false }") ?? {};
  c.onlyKeys(map, path, CHAIN_KEYS);
  const at = (key: string) => keyPath(path, key);
  const version = readVersion(c, map.version, at("version")) ?? DEFAULT;
  const install = c.boolean(map.install, at("install"));
  const chain: Chain = {
    id: c.integer(map.id, at("id"), { min: 0, example: 1 }) ?? 1,
    smCrypto: c.boolean(map.smCrypto, at("smCrypto")) ?? true,
    smCryptoChannel: c.boolean(map.smCryptoChannel, at("smCryptoChannel")) ?? false,
    version: version.join("."),
    certValidityDays: c.integer(map.certValidityDays, at("certValidityDays"), { min: 1, max: 36500, example: 3650 }) ?? 3650,
    install: install ?? true,
    deleteDataOnRemove: c.boolean(map.deleteDataOnRemove, at("deleteDataOnRemove")) ?? false,
  };
  // Only false is kept: the model of a topology that does not turn the RSA channel off stays as it was.
  if (c.boolean(map.rsaCryptoChannel, at("rsaCryptoChannel")) === false) chain.rsaCryptoChannel = false;
  const binary = isGiven(map.binary) ? readBinary(c, map.binary, at("binary")) : undefined;
  if (binary !== undefined) chain.binary = binary;
  const blacklist = readNodeIdList(c, map.certificateBlacklist, at("certificateBlacklist"));
  const whitelist = readNodeIdList(c, map.certificateWhitelist, at("certificateWhitelist"));
  if (blacklist.length > 0) chain.certificateBlacklist = blacklist;
  if (whitelist.length > 0) chain.certificateWhitelist = whitelist;
  for (const id of blacklist.filter((id) => whitelist.includes(id))) {
    c.report(
      at("certificateWhitelist"),
      id,
      "lists a node ID that certificateBlacklist also lists (the blacklist wins, so the entry is misleading)",
      "keep the ID in one of the two lists",
    );
  }

  if (chain.smCryptoChannel && !chain.smCrypto) {
    c.report(
      at("smCryptoChannel"),
      true,
      "needs smCrypto: true (the GM channel uses the GM certificates)",
      "set chain.smCrypto: true or chain.smCryptoChannel: false",
    );
  }
  // An install value of the wrong type is reported already; only a real (or default) true needs a binary.
  const installWanted = install === true || !isGiven(map.install);
  if (installs && installWanted && !isGiven(map.binary)) {
    c.report(
      at("binary"),
      undefined,
      "is required when chain.install is true (the default): pulumi up puts the node binary on every host",
      "set chain.binary.path (or chain.binary.url with sha256), or chain.install: false to only produce files; " + "render and validate do not need it",
    );
  }
  return { chain };
}

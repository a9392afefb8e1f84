/**
 * Rules for the strings a topology carries. Names, paths and addresses end up in file names,
 * INI files and shell commands on remote hosts, so each rule allows only what is safe there.
 * Every check returns the problem with its fix, or undefined when the text is fine.
 */
import { isIPv4, isIPv6 } from "node:net";
import { posix } from "node:path";
import { reservedName } from "./reserved-names";

export interface Problem {
  message: string;
  fix: string;
}

const MAX_NAME_LENGTH = 64;

export type NameKind = "agency" | "node" | "host";

/** Agency, node and host names. */
export function nameProblem(kind: NameKind, name: string): Problem | undefined {
  const example = { agency: "agency-a", node: "node0", host: "host-a" }[kind];
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    return {
      message: `${kind} name may only hold letters, digits, _ and - (it becomes a folder name and appears in shell commands)`,
      fix: `rename the ${kind}, e.g. ${example}`,
    };
  }
  if (name.length > MAX_NAME_LENGTH) {
    return { message: `${kind} name is longer than ${MAX_NAME_LENGTH} characters`, fix: `rename the ${kind} to something shorter` };
  }
  // JavaScript puts integer-like keys first in any map, which would silently change declaration
  // order and with it the default ports.
  if (/^(0|[1-9][0-9]*)$/.test(name)) {
    return { message: `${kind} name must not be a plain number (maps reorder such keys)`, fix: `add a letter, e.g. ${kind}${name}` };
  }
  const reserved = reservedName(kind, name);
  if (reserved) {
    return { message: `${kind} name "${name}" is reserved: ${reserved.why}`, fix: `rename the ${kind}, e.g. ${example}` };
  }
  return undefined;
}

function isHostName(text: string): boolean {
  if (text.length > 253) return false;
  const labels = text.split(".");
  const labelOk = (label: string) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label);
  // An all-digit last label means a mistyped IPv4 address, not a name (RFC 1123 §2.1).
  return labels.every(labelOk) && !/^\d+$/.test(labels[labels.length - 1]);
}

/** A host address: IPv4, IPv6 (no zone, no brackets) or an RFC 1123 host name. */
export function addressProblem(address: string): Problem | undefined {
  if (address === "0.0.0.0" || (isIPv6(address) && /^[0:]+$/.test(address))) {
    return { message: "is the wildcard address, which no node can connect to", fix: "write the address other nodes use to reach this host, e.g. 10.0.0.5" };
  }
  if (isIPv4(address) || (isIPv6(address) && !address.includes("%")) || isHostName(address)) return undefined;
  if (address.startsWith("[") && address.endsWith("]")) {
    return { message: "IPv6 address must be written without brackets", fix: `write ${address.slice(1, -1)}` };
  }
  if (/^[^:]+:\d+$/.test(address)) {
    return { message: "must not include a port", fix: "give ports per node (p2pPort, channelPort, rpcPort)" };
  }
  return {
    message: "is not an IPv4 address, an IPv6 address or a host name",
    fix: "write an address such as 10.0.0.5, fd00::5 or node-a.example.com",
  };
}

const MAX_DEPLOY_DIR_LENGTH = 255;

/**
 * Top-level folders the system owns (`lib*` as a pattern: lib, lib32, lib64, libx32, …). A
 * deployDir at one of them or directly under one would put node folders, whose names come from
 * the topology, beside the system's own folders (`/etc` with a node `ssh` is `/etc/ssh`).
 */
const SYSTEM_FOLDERS = ["etc", "usr", "bin", "sbin", "boot", "proc", "sys", "dev", "root", "home", "var"];
const isSystemFolder = (name: string) => SYSTEM_FOLDERS.includes(name) || name.startsWith("lib");
const SYSTEM_FOLDER_RULE =
  "/etc, /usr, /bin, /sbin, /lib*, /boot, /proc, /sys, /dev, /root, /home and /var, and the folders directly under them, are refused; " +
  "a folder of your own below those is fine, e.g. /home/fisco/chain or /var/lib/fisco";

/** Why the folder `dir` resolves to belongs to the system, or undefined. */
function systemFolderProblem(resolved: string): string | undefined {
  const segments = resolved.split("/").filter((s) => s !== "");
  if (segments.length === 0) return "the root folder";
  if (!isSystemFolder(segments[0]) || segments.length > 2) return undefined;
  return segments.length === 1 ? `the system folder /${segments[0]}` : `directly under the system folder /${segments[0]}`;
}

/**
 * Absolute POSIX folder with shell-safe characters only, outside the system's folders; a trailing
 * slash is tolerated. `.`, `..` and `//` are refused, but the system-folder rule is checked on the
 * resolved folder, so the message names it either way.
 */
export function deployDirProblem(dir: string): Problem | undefined {
  const example = "/opt/fisco";
  if (!dir.startsWith("/")) {
    return {
      message: "must be an absolute path (relative paths and ~ are not expanded on the host)",
      fix: `start it with /, e.g. ${example}`,
    };
  }
  const bad = [...dir].find((ch) => !/[A-Za-z0-9._/-]/.test(ch));
  if (bad !== undefined) {
    return {
      message: `contains ${JSON.stringify(bad)}, which is unsafe in shell commands`,
      fix: "use only letters, digits, '.', '_', '-' and '/'",
    };
  }
  if (dir.length > MAX_DEPLOY_DIR_LENGTH) {
    return { message: `is longer than ${MAX_DEPLOY_DIR_LENGTH} characters`, fix: "use a shorter path" };
  }
  const resolved = posix.normalize(dir).replace(/(.)\/$/, "$1");
  const system = systemFolderProblem(resolved);
  const segments = dir.replace(/\/$/, "").split("/").slice(1);
  let form: string | undefined;
  if (segments.some((s) => s === "")) form = "contains an empty segment (//)";
  else if (segments.some((s) => s === "." || s === "..")) form = "must not contain . or .. segments";
  if (form !== undefined) {
    const resolves = system === undefined ? "" : ` (it resolves to ${resolved}, ${system})`;
    return { message: `${form}${resolves}`, fix: `write the folder out in full, e.g. ${example}${system === undefined ? "" : `; ${SYSTEM_FOLDER_RULE}`}` };
  }
  if (system === "the root folder") return { message: "must not be the root folder", fix: `use a dedicated folder, e.g. ${example}` };
  if (system !== undefined) {
    return {
      message: `is ${system}, among folders the system owns (node folders are named after nodes, so they could land on the system's own)`,
      fix: `use a dedicated folder such as ${example}; ${SYSTEM_FOLDER_RULE}`,
    };
  }
  return undefined;
}

/** POSIX login name as `useradd` accepts it by default. */
export function sshUserProblem(user: string): Problem | undefined {
  if (/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) return undefined;
  return {
    message: "is not a valid login name (lower-case letters, digits, _ and -, starting with a letter or _, at most 32)",
    fix: "use the account name as on the host, e.g. fisco",
  };
}

/** A config key of the `bcos` namespace, read with `new pulumi.Config("bcos")`. */
export function configKeyProblem(key: string): Problem | undefined {
  if (key.startsWith("bcos:")) {
    return { message: "give the key without its namespace", fix: `write ${key.slice("bcos:".length)}` };
  }
  if (/^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(key)) return undefined;
  return {
    message: "is not a config key name (a letter, then letters, digits, _ or -)",
    fix: "name a key of the bcos namespace, e.g. sshKeyA (set it with pulumi config set --secret bcos:sshKeyA)",
  };
}

/** One `known_hosts` key: type and base64 blob, nothing else. */
export function hostKeyProblem(key: string): Problem | undefined {
  const types = "ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521";
  if (new RegExp(`^(${types}) [A-Za-z0-9+/]+={0,2}$`).test(key)) return undefined;
  return {
    message: "is not a host key of the form '<type> <base64>'",
    fix: "copy the key type and key from `ssh-keyscan <host>` output, without the host name",
  };
}

export function sha256Problem(hex: string): Problem | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return { message: "is not a SHA-256 digest (64 hex characters)", fix: "use the output of `sha256sum <file>`" };
}

export function urlProblem(text: string): Problem | undefined {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url !== undefined && (url.protocol === "https:" || url.protocol === "http:") && !/\s/.test(text)) return undefined;
  return { message: "is not an http(s) URL", fix: "write a full URL such as https://example.com/fisco-bcos.tar.gz" };
}

export type Version = readonly [major: number, minor: number, patch: number];

/** Canonical `x.y.z` (no leading zeros, no suffix). */
export function parseVersion(text: string): Version | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function versionAtLeast(version: Version, min: Version): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== min[i]) return version[i] > min[i];
  }
  return true;
}

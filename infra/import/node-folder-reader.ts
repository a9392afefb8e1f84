/**
 * Reads one node folder the way the node itself finds its files: config.ini first, then the keys,
 * certificates and group files at the paths config.ini names. Both layouts (build_chain and
 * generator) share it. Problems are collected, not thrown, so one run reports every folder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { type LoadedPrivateKey, loadPrivateKey } from "../crypto/keys";
import { publicKeyMatches } from "../crypto/public-key";
import { IniError, parseConfigIni, parseGenesis, parseIni, type ParsedConfigIni, type ParsedGenesis } from "../fisco/parse";
import { versionAtLeast } from "../fisco/version";
import { type CertInfo, readCertificates } from "./certificates";
import type { ImportProblem } from "./import-error";

/**
 * The key pairs a node folder may hold. GM: `gmnode` (signing, the node ID), `gmennode`
 * (encryption), `origin` (secp256k1 set in origin_cert/). Standard: `node`. Both: `channel`
 * (RSA set in channel_cert/).
 */
export type CredentialRole = "gmnode" | "gmennode" | "origin" | "node" | "channel";

export interface NodeCredential {
  role: CredentialRole;
  /** Paths relative to the node folder. */
  keyFile: string;
  certFile: string;
  caFile?: string;
  /** The key file verbatim, so it can be shipped back byte for byte. */
  keyText: string;
  key: LoadedPrivateKey;
  /** The certificate file's chain, leaf first. */
  certs: CertInfo[];
  ca?: CertInfo;
}

export interface GroupFiles {
  id: number;
  /** Relative to the node folder. */
  genesisFile: string;
  genesisText: string;
  genesis: ParsedGenesis;
  /** `[consensus] consensus_type` as written: the node puts this exact text into block 0. */
  consensusText: string;
  iniFile?: string;
}

/** Where a layout reader found a node folder. */
export interface NodeFolderLocation {
  dir: string;
  /** The folder relative to --from, for messages and the import record. */
  label: string;
  /** The address other nodes use for this node's host, as the layout tells it. */
  hostAddress: string;
  /** The folder's own name (node0, node_10.0.0.1_30300). */
  folderName: string;
}

export interface NodeFolder extends NodeFolderLocation {
  config: ParsedConfigIni;
  credentials: Partial<Record<CredentialRole, NodeCredential>>;
  nodeId: string;
  groups: GroupFiles[];
  /** Files without secrets worth keeping (config.ini, certificates, node ID files, group files), relative. */
  publicFiles: string[];
}

interface RoleFiles {
  role: CredentialRole;
  key: string;
  cert: string;
  ca?: string;
  required: boolean;
}

/** Which key pairs this node loads, from config.ini's crypto and channel settings (reference §2). */
function roleFiles(config: ParsedConfigIni, dataPath: string): RoleFiles[] {
  const ns = config.networkSecurity;
  const { smCrypto, smCryptoChannel } = config.chain;
  const at = (...parts: string[]) => path.join(dataPath, ...parts);
  // The RSA channel exists since 2.9.0; a GM channel (sm_crypto_channel) takes precedence over it.
  const rsaChannel = config.chain.rsaCryptoChannel && versionAtLeast(config.supportedVersion, "2.9.0");
  const channel: RoleFiles = {
    role: "channel",
    key: at("channel_cert", "node.key"),
    cert: at("channel_cert", "node.crt"),
    ca: at("channel_cert", "ca.crt"),
    required: rsaChannel && !(smCrypto && smCryptoChannel),
  };
  if (!smCrypto) return [{ role: "node", key: at(ns.key), cert: at(ns.cert), ca: at(ns.caCert), required: true }, channel];
  return [
    { role: "gmnode", key: at(ns.key), cert: at(ns.cert), ca: at(ns.caCert), required: true },
    { role: "gmennode", key: at(ns.enKey), cert: at(ns.enCert), required: true },
    {
      role: "origin",
      key: at("origin_cert", "node.key"),
      cert: at("origin_cert", "node.crt"),
      ca: at("origin_cert", "ca.crt"),
      required: !smCryptoChannel && !rsaChannel,
    },
    channel,
  ];
}

class FolderReader {
  readonly problems: ImportProblem[] = [];
  readonly publicFiles = new Set<string>();

  constructor(readonly location: NodeFolderLocation) {}

  /** Relative to the node folder; undefined (with a problem) when it points outside it. */
  relative(file: string): string | undefined {
    const rel = path.relative(this.location.dir, file).split(path.sep).join("/");
    if (rel.startsWith("../") || path.isAbsolute(rel)) {
      this.report("config.ini", `names ${file}, which is outside the node folder`, "keep the node's files inside its folder (data_path=conf/)");
      return undefined;
    }
    return rel;
  }

  shown(rel: string): string {
    return `${this.location.label}/${rel}`;
  }

  report(rel: string, problem: string, fix: string): void {
    this.problems.push({ file: this.shown(rel), problem, fix });
  }

  text(rel: string): string | undefined {
    try {
      return readFileSync(path.join(this.location.dir, rel), "utf8");
    } catch (e) {
      this.report(
        rel,
        `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        "make the file readable by the user running the import",
      );
      return undefined;
    }
  }

  /** A public file's certificates; refuses a file that also holds a private key (it would be copied). */
  certificates(rel: string, what: string): CertInfo[] | undefined {
    const text = this.text(rel);
    if (text === undefined) return undefined;
    if (text.includes("PRIVATE KEY-----")) {
      this.report(rel, `holds a private key next to the ${what}`, `keep only certificates in ${path.basename(rel)}; the key belongs in its own file`);
      return undefined;
    }
    let certs: CertInfo[];
    try {
      certs = readCertificates(text, this.shown(rel));
    } catch (e) {
      this.report(rel, (e as Error).message, `restore the ${what} from the node's original folder`);
      return undefined;
    }
    if (certs.length === 0) {
      this.report(rel, `holds no PEM certificate (${what} expected)`, `restore the ${what} from the node's original folder`);
      return undefined;
    }
    this.publicFiles.add(rel);
    return certs;
  }

  credential(files: RoleFiles): NodeCredential | undefined {
    const keyRel = this.relative(files.key);
    const certRel = this.relative(files.cert);
    const caRel = files.ca === undefined ? undefined : this.relative(files.ca);
    if (keyRel === undefined || certRel === undefined || (files.ca !== undefined && caRel === undefined)) return undefined;
    const hasKey = existsSync(files.key);
    const hasCert = existsSync(files.cert);
    if (!hasKey && !hasCert && !files.required) return undefined;
    if (!hasKey) {
      this.report(
        keyRel,
        `is missing: the node folder has no private key for ${certRel}`,
        `copy ${keyRel} back from the node's original folder (a new key would be a new node identity), or import from the folder the node runs from`,
      );
      return undefined;
    }
    if (!hasCert) {
      this.report(certRel, `is missing: the node folder has ${keyRel} but not its certificate`, `copy ${certRel} back from the node's original folder`);
      return undefined;
    }
    const keyText = this.text(keyRel);
    if (keyText === undefined) return undefined;
    let key: LoadedPrivateKey;
    try {
      key = loadPrivateKey(keyText);
    } catch (e) {
      this.report(keyRel, `cannot be loaded as a private key (${(e as Error).message})`, `restore the unencrypted PEM key from the node's original folder`);
      return undefined;
    }
    const certs = this.certificates(certRel, "node certificate");
    if (certs === undefined) return undefined;
    if (!publicKeyMatches(certs[0].certificate.tbsCertificate.subjectPublicKeyInfo, key.keyPair)) {
      this.report(
        keyRel,
        `does not belong to ${certRel} (its public key differs from the certificate's)`,
        `put back the key and certificate that were issued together`,
      );
      return undefined;
    }
    let ca: CertInfo | undefined;
    if (caRel !== undefined) {
      if (!existsSync(files.ca!)) {
        this.report(caRel, `is missing (the CA certificate the node trusts)`, `copy ${caRel} back from the node's original folder`);
        return undefined;
      }
      ca = this.certificates(caRel, "CA certificate")?.[0];
      if (ca === undefined) return undefined;
    }
    return { role: files.role, keyFile: keyRel, certFile: certRel, caFile: caRel, keyText, key, certs, ca };
  }

  /** An informational file kept as is when present (gmnode.serial, origin_cert/node.nodeid). */
  optional(file: string): void {
    const rel = this.relative(file);
    if (rel !== undefined && existsSync(file) && !this.text(rel)?.includes("PRIVATE KEY-----")) this.publicFiles.add(rel);
  }

  nodeIdFile(file: string, nodeId: string): void {
    const rel = this.relative(file);
    if (rel === undefined || !existsSync(file)) return;
    const text = this.text(rel);
    if (text === undefined) return;
    if (text.trim().toLowerCase() !== nodeId) {
      this.report(
        rel,
        `says ${JSON.stringify(text.trim().slice(0, 20))}…, but the node's key gives node ID ${nodeId.slice(0, 16)}…`,
        `write the key's node ID into ${path.basename(rel)}, or restore the key the file was made from`,
      );
      return;
    }
    this.publicFiles.add(rel);
  }

  groups(configPath: string): GroupFiles[] {
    const configRel = this.relative(configPath);
    if (configRel === undefined || !existsSync(configPath)) return [];
    const found: GroupFiles[] = [];
    for (const name of readdirSync(configPath)
      .filter((n) => n.endsWith(".genesis"))
      .sort()) {
      const rel = configRel === "" ? name : `${configRel.replace(/\/$/, "")}/${name}`;
      const text = this.text(rel);
      if (text === undefined) continue;
      let genesis: ParsedGenesis;
      let consensusText: string;
      try {
        genesis = parseGenesis(text, this.shown(rel));
        consensusText = parseIni(text, rel).sections.get("consensus")?.entries.get("consensus_type")?.value ?? "pbft";
      } catch (e) {
        if (!(e instanceof IniError)) throw e;
        this.report(rel, e.reason + (e.line === undefined ? "" : ` (line ${e.line})`), "correct the genesis file; the node refuses it too");
        continue;
      }
      // The node skips a genesis whose id is outside 1..32767 without failing; so do we.
      if (genesis.groupId < 1 || genesis.groupId > 32767) continue;
      const named = /^group\.(\d+)\.genesis$/.exec(name);
      if (named && Number(named[1]) !== genesis.groupId) {
        this.report(
          rel,
          `is named for group ${named[1]} but its [group] id is ${genesis.groupId}`,
          `rename the file to group.${genesis.groupId}.genesis or correct [group] id`,
        );
        continue;
      }
      const twin = found.find((g) => g.id === genesis.groupId);
      if (twin) {
        this.report(
          rel,
          `is a second genesis for group ${genesis.groupId} (first: ${twin.genesisFile})`,
          "keep one genesis file per group in the node's conf/",
        );
        continue;
      }
      if (genesis.timestamp === undefined) {
        this.report(
          rel,
          "has no [group] timestamp (the node then dates block 0 at INT64_MAX, which a topology cannot pin)",
          "this group cannot be imported; a chain built by build_chain or generator always has one",
        );
        continue;
      }
      if (genesis.stateType !== "storage") {
        this.report(rel, `uses [state] type=${genesis.stateType}; bcos-pulumi manages storage-state groups only`, "this group cannot be imported");
        continue;
      }
      this.publicFiles.add(rel);
      const ini = path.join(configPath, name.replace(/genesis$/, "ini"));
      const iniRel = existsSync(ini) ? this.relative(ini) : undefined;
      if (iniRel !== undefined) this.publicFiles.add(iniRel);
      found.push({ id: genesis.groupId, genesisFile: rel, genesisText: text, genesis, consensusText, iniFile: iniRel });
    }
    return found.sort((a, b) => a.id - b.id);
  }
}

export function readNodeFolder(location: NodeFolderLocation): { folder?: NodeFolder; problems: ImportProblem[] } {
  const r = new FolderReader(location);
  const configText = r.text("config.ini");
  if (configText === undefined) return { problems: r.problems };
  let config: ParsedConfigIni;
  try {
    config = parseConfigIni(configText, { source: r.shown("config.ini") });
  } catch (e) {
    if (!(e instanceof IniError)) throw e;
    r.problems.push({
      file: e.source,
      problem: e.reason + (e.line === undefined ? "" : ` (line ${e.line})`),
      fix: "correct config.ini; the node refuses it too",
    });
    return { problems: r.problems };
  }
  r.publicFiles.add("config.ini");
  if (config.storageSecurity.enable) {
    r.report(
      "config.ini",
      "has disk encryption on ([storage_security] enable=true): its key files are encrypted by the key manager",
      "import is not supported for such nodes; decrypt the keys with the key manager first",
    );
    return { problems: r.problems };
  }

  const dataPath = path.resolve(location.dir, config.networkSecurity.dataPath);
  const credentials: NodeFolder["credentials"] = {};
  for (const files of roleFiles(config, dataPath)) {
    const credential = r.credential(files);
    if (credential) credentials[files.role] = credential;
  }
  const identity = config.chain.smCrypto ? credentials.gmnode : credentials.node;
  const nodeId = identity?.key.keyPair.publicKeyHex;
  if (nodeId !== undefined) r.nodeIdFile(path.join(dataPath, config.chain.smCrypto ? "gmnode.nodeid" : "node.nodeid"), nodeId);
  r.optional(path.join(dataPath, "gmnode.serial"));
  r.optional(path.join(dataPath, "origin_cert", "node.nodeid"));
  const groups = r.groups(path.resolve(location.dir, config.group.configPath));
  if (r.problems.length > 0 || nodeId === undefined) return { problems: r.problems };
  return { folder: { ...location, config, credentials, nodeId, groups, publicFiles: [...r.publicFiles].sort() }, problems: [] };
}

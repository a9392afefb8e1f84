/**
 * Chain folders made the way the FISCO tools make them, for the import tests: every key and
 * certificate comes from the `openssl` binary with build_chain.sh 2.11.1's commands, cnf sections
 * and (GM) the SM2 distid (reference fisco-2x-artifacts.md §4.3), laid out as build_chain
 * (`<ip>/node<N>/`, `<ip>/sdk/`, `cert/`, `gmcert/`) or generator (`node_<ip>_<port>/`, `meta/`)
 * lays them out (§1). config.ini, genesis and group ini files come from our own renderers, which
 * write build_chain 2.11's layout; generator's config.ini is written in its own template's shape.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { renderGroupGenesis, renderGroupIni } from "../../infra/fisco/genesis";
import type { ConsensusType, Model } from "../../infra/topology/types";
import { CERT_CNF, GMCERT_CNF } from "../crypto/build-chain-reference";
import { DISTID } from "../crypto/openssl-harness";

export interface FixtureNode {
  /** build_chain: the folder under <ip>/ (node0…); generator folders are node_<ip>_<port>. */
  folder?: string;
  agency: string;
  ip: string;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
}

export interface FixtureGroup {
  id: number;
  consensus: ConsensusType;
  /** Node labels (see labelOf). */
  sealers: string[];
  /** Members with the group's files that are not sealers. */
  observers: string[];
  timestamp: number;
}

export interface FixtureSpec {
  layout: "build_chain" | "generator";
  gm: boolean;
  chainId: number;
  nodes: FixtureNode[];
  groups: FixtureGroup[];
}

export interface BuiltChain {
  dir: string;
  /** Node label → node ID computed by OpenSSL from the node's signing key. */
  nodeIds: Map<string, string>;
  /** Node label → absolute folder. */
  nodeDirs: Map<string, string>;
}

const GM_PARAM = "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n";
const SM2 = ["-sigopt", DISTID];

/** build_chain: `<ip>/<folder>`; generator: `node_<ip>_<port>`. */
export function labelOf(spec: FixtureSpec, node: FixtureNode): string {
  return spec.layout === "build_chain" ? `${node.ip}/${node.folder}` : `node_${node.ip}_${node.p2pPort}`;
}

function openssl(cwd: string, ...args: string[]): string {
  return execFileSync("openssl", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** What build_chain's `openssl ec -text` dance yields: the public point X||Y of a key file. */
export function opensslNodeId(keyFile: string): string {
  const der = execFileSync("openssl", ["pkey", "-in", keyFile, "-pubout", "-outform", "DER"]);
  return der.subarray(der.length - 64).toString("hex");
}

class Issuer {
  constructor(
    readonly work: string,
    readonly validityDays: number,
  ) {
    writeFileSync(path.join(work, "cert.cnf"), CERT_CNF);
    writeFileSync(path.join(work, "gmcert.cnf"), GMCERT_CNF);
    writeFileSync(path.join(work, "gmsm2.param"), GM_PARAM);
    openssl(work, "ecparam", "-out", "secp256k1.param", "-name", "secp256k1");
  }

  private get days() {
    return ["-days", String(this.validityDays)];
  }

  /** `<stem>.key` and a self-signed `<stem>.crt` in `dir` (relative to work). */
  root(kind: "std" | "gm" | "rsa", dir: string, stem: string, subj: string): void {
    mkdirSync(path.join(this.work, dir), { recursive: true });
    const key = `${dir}/${stem}.key`;
    const crt = `${dir}/${stem}.crt`;
    if (kind === "rsa") {
      openssl(this.work, "genrsa", "-out", key, "2048");
      openssl(this.work, "req", "-new", "-x509", ...this.days, "-subj", subj, "-key", key, "-config", "cert.cnf", "-out", crt);
    } else if (kind === "std") {
      openssl(this.work, "genpkey", "-paramfile", "secp256k1.param", "-out", key);
      openssl(this.work, "req", "-new", "-x509", ...this.days, "-subj", subj, "-key", key, "-config", "cert.cnf", "-out", crt);
    } else {
      openssl(this.work, "genpkey", "-paramfile", "gmsm2.param", "-out", key);
      openssl(
        this.work,
        "req",
        "-config",
        "gmcert.cnf",
        "-x509",
        ...this.days,
        "-subj",
        subj,
        "-key",
        key,
        "-extensions",
        "v3_ca",
        "-out",
        crt,
        "-sm3",
        ...SM2,
      );
    }
  }

  /** `<stem>.key` and `<stem>.crt` in `dir`, signed by `ca` (the path of `<ca>.crt`/`<ca>.key` without extension). */
  issue(kind: "std" | "gm" | "rsa", dir: string, stem: string, subj: string, ca: string, extensions: string): void {
    mkdirSync(path.join(this.work, dir), { recursive: true });
    const key = `${dir}/${stem}.key`;
    const csr = `${dir}/${stem}.csr`;
    const crt = `${dir}/${stem}.crt`;
    const caArgs = ["-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial"];
    if (kind === "gm") {
      openssl(this.work, "genpkey", "-paramfile", "gmsm2.param", "-out", key);
      openssl(this.work, "req", "-new", "-subj", subj, "-key", key, "-config", "gmcert.cnf", "-out", csr, "-sm3", ...SM2);
      openssl(
        this.work,
        "x509",
        "-sm3",
        "-req",
        ...caArgs,
        ...this.days,
        "-in",
        csr,
        "-out",
        crt,
        "-extfile",
        "gmcert.cnf",
        "-extensions",
        extensions,
        ...SM2,
        "-vfyopt",
        DISTID,
      );
    } else if (kind === "std") {
      openssl(this.work, "genpkey", "-paramfile", "secp256k1.param", "-out", key);
      openssl(this.work, "req", "-new", "-sha256", "-subj", subj, "-key", key, "-config", "cert.cnf", "-out", csr);
      openssl(this.work, "x509", "-req", ...this.days, "-sha256", ...caArgs, "-in", csr, "-out", crt, "-extensions", extensions, "-extfile", "cert.cnf");
    } else {
      // The RSA channel set: genrsa, then PKCS#8, and -extensions without -extfile (ignored: v1).
      openssl(this.work, "genrsa", "-out", `${key}.rsa`, "2048");
      openssl(this.work, "pkcs8", "-topk8", "-nocrypt", "-in", `${key}.rsa`, "-out", key);
      openssl(this.work, "req", "-new", "-sha256", "-subj", subj, "-key", key, "-config", "cert.cnf", "-out", csr);
      openssl(this.work, "x509", "-req", ...this.days, "-sha256", ...caArgs, "-in", csr, "-out", crt, "-extensions", extensions);
      rmSync(path.join(this.work, `${key}.rsa`));
    }
    // build_chain removes the requests once signed.
    rmSync(path.join(this.work, csr));
  }

  read(rel: string): string {
    return readFileSync(path.join(this.work, rel), "utf8");
  }
}

/** The Model our config.ini renderer takes: names are node labels, hosts are IPs. */
function rendererModel(spec: FixtureSpec): Model {
  const ips = [...new Set(spec.nodes.map((n) => n.ip))];
  return {
    chain: {
      id: spec.chainId,
      smCrypto: spec.gm,
      smCryptoChannel: false,
      version: "2.11.1",
      certValidityDays: 36500,
      install: false,
      deleteDataOnRemove: false,
    },
    hosts: ips.map((ip) => ({ name: ip, address: ip, connection: { kind: "local" }, deployDir: "/opt/fisco" })),
    agencies: [],
    nodes: spec.nodes.map((n) => ({
      name: labelOf(spec, n),
      agency: n.agency,
      host: n.ip,
      p2pPort: n.p2pPort,
      channelPort: n.channelPort,
      rpcPort: n.rpcPort,
    })),
    groups: [],
  };
}

/** config.ini as generator's tpl/config.ini(.gm) comes out of configparser (reference §2). */
export function generatorConfigIni(spec: FixtureSpec, node: FixtureNode): string {
  const peers = spec.nodes.map((n, i) => `node.${i} = ${n.ip}:${n.p2pPort}`);
  const keys = spec.gm ? ["key = gmnode.key", "cert = gmnode.crt", "ca_cert = gmca.crt"] : ["key = node.key", "cert = node.crt", "ca_cert = ca.crt"];
  return [
    "[rpc]",
    "channel_listen_ip = 0.0.0.0",
    "jsonrpc_listen_ip = 127.0.0.1",
    `channel_listen_port = ${node.channelPort}`,
    `jsonrpc_listen_port = ${node.rpcPort}`,
    "",
    "[p2p]",
    "listen_ip = 0.0.0.0",
    `listen_port = ${node.p2pPort}`,
    ";enable_compress=true",
    ...peers,
    "",
    "[certificate_blacklist]",
    "; crl.0 should be nodeid, nodeid's length is 128",
    ";crl.0=",
    "",
    "[certificate_whitelist]",
    "; cal.0 should be nodeid, nodeid's length is 128",
    ";cal.0=",
    "",
    "[group]",
    "group_data_path = data/",
    "group_config_path = conf/",
    "",
    "[network_security]",
    "data_path = conf/",
    ...keys,
    "",
    "[storage_security]",
    "enable = false",
    "key_manager_ip = ",
    "key_manager_port = ",
    "cipher_data_key = ",
    "",
    "[chain]",
    `id = ${spec.chainId}`,
    `sm_crypto = ${spec.gm}`,
    "sm_crypto_channel = false",
    "",
    "[compatibility]",
    "supported_version = 2.9.0",
    "",
    "[log]",
    "enable = true",
    "log_path = ./log",
    "level = info",
    "max_log_file_size = 200",
    "flush = true",
    ...(spec.gm ? [] : ["log_flush_threshold = 100"]),
    "",
  ].join("\n");
}

const concat = (...texts: string[]) => texts.join("");

/** Builds the chain folder described by `spec` into the empty folder `dir`. */
export function buildChainFolder(spec: FixtureSpec, dir: string): BuiltChain {
  const buildChain = spec.layout === "build_chain";
  const ca = new Issuer(dir, buildChain ? 36500 : 3650);
  const agencies = [...new Set(spec.nodes.map((n) => n.agency))];
  const model = rendererModel(spec);

  // Where the CA material lives: build_chain cert/ and gmcert/; generator: the committee keeps the
  // chain keys (chain/), each agency its own (agency-<name>/), and the first agency's meta/ holds
  // its agency keys and the CA certificates.
  const std = buildChain ? "cert" : "chain";
  const gm = buildChain ? "gmcert" : "chain";
  const stdAgency = (a: string) => (buildChain ? `cert/${a}` : `agency-${a}`);
  const gmAgency = (a: string) => (buildChain ? `gmcert/${a}-gm` : `agency-${a}`);
  ca.root("std", std, "ca", "/CN=chain/O=fisco-bcos/OU=chain");
  if (spec.gm) ca.root("gm", gm, "gmca", "/CN=gmchain/O=fisco-bcos/OU=chain");
  for (const agency of agencies) {
    ca.issue("std", stdAgency(agency), "agency", `/CN=${agency}/O=fisco-bcos/OU=agency`, `${std}/ca`, "v4_req");
    if (spec.gm)
      ca.issue("gm", gmAgency(agency), "gmagency", `/CN=${buildChain ? `${agency}-gm` : agency}/O=fisco-bcos/OU=agency`, `${gm}/gmca`, "v3_agency_root");
    if (buildChain) ca.root("rsa", `cert/${agency}/channel`, "ca", `/CN=${agency}/O=fisco-bcos/OU=chain`);
  }

  const nodeIds = new Map<string, string>();
  const nodeDirs = new Map<string, string>();
  for (const node of spec.nodes) {
    const label = labelOf(spec, node);
    const conf = `${label}/conf`;
    const cn = buildChain ? node.folder! : label;
    const chainTail = (agencyCrt: string, rootCrt: string) => (buildChain ? concat(ca.read(agencyCrt), ca.read(rootCrt)) : ca.read(agencyCrt));
    // The secp256k1 set: conf/ on a standard chain, origin_cert/ on a GM chain.
    const stdDir = spec.gm ? `${conf}/origin_cert` : conf;
    ca.issue("std", stdDir, "node", `/CN=${spec.gm && !buildChain ? ".origin_cert" : cn}/O=fisco-bcos/OU=node`, `${stdAgency(node.agency)}/agency`, "v3_req");
    appendFileSync(path.join(dir, stdDir, "node.crt"), chainTail(`${stdAgency(node.agency)}/agency.crt`, `${std}/ca.crt`));
    copyFileSync(path.join(dir, std, "ca.crt"), path.join(dir, stdDir, "ca.crt"));
    if (spec.gm) {
      const agencyCa = `${gmAgency(node.agency)}/gmagency`;
      ca.issue("gm", conf, "gmnode", `/CN=${cn}/O=fisco-bcos/OU=node`, agencyCa, "v3_req");
      appendFileSync(path.join(dir, conf, "gmnode.crt"), chainTail(`${agencyCa}.crt`, `${gm}/gmca.crt`));
      ca.issue("gm", conf, "gmennode", `/CN=${cn}/O=fisco-bcos/OU=ennode`, agencyCa, "v3enc_req");
      copyFileSync(path.join(dir, gm, "gmca.crt"), path.join(dir, conf, "gmca.crt"));
      const serial = openssl(dir, "x509", "-noout", "-serial", "-in", `${conf}/gmnode.crt`)
        .trim()
        .replace(/^serial=/, "");
      writeFileSync(path.join(dir, conf, "gmnode.serial"), `${serial}\n`);
    }
    const id = opensslNodeId(path.join(dir, conf, spec.gm ? "gmnode.key" : "node.key"));
    writeFileSync(path.join(dir, conf, spec.gm ? "gmnode.nodeid" : "node.nodeid"), `${id}\n`);
    // build_chain deletes the origin_cert node ID; generator keeps it.
    if (spec.gm && !buildChain) writeFileSync(path.join(dir, stdDir, "node.nodeid"), `${opensslNodeId(path.join(dir, stdDir, "node.key"))}\n`);
    if (buildChain) {
      ca.issue("rsa", `${conf}/channel_cert`, "node", "/CN=FISCO-BCOS/O=fisco-bcos/OU=agency", `cert/${node.agency}/channel/ca`, "v4_req");
      copyFileSync(path.join(dir, "cert", node.agency, "channel", "ca.crt"), path.join(dir, conf, "channel_cert", "ca.crt"));
    }
    writeFileSync(path.join(dir, label, "config.ini"), buildChain ? renderConfigIni(model, label) : generatorConfigIni(spec, node));
    nodeIds.set(label, id);
    nodeDirs.set(label, path.join(dir, label));
  }

  for (const group of spec.groups) {
    const genesis = renderGroupGenesis({
      groupId: group.id,
      params: { consensus: group.consensus, maxTransNum: 1000, gasLimit: 300000000, consensusTimeout: 3, epochBlockNum: 1000, enableFreeStorage: false },
      sealerIds: group.sealers.map((label) => nodeIds.get(label)!),
      timestamp: group.timestamp,
      version: buildChain ? "2.11.1" : "2.9.0",
    });
    for (const label of [...group.sealers, ...group.observers]) {
      writeFileSync(path.join(dir, label, "conf", `group.${group.id}.genesis`), genesis);
      writeFileSync(path.join(dir, label, "conf", `group.${group.id}.ini`), renderGroupIni());
    }
  }

  if (buildChain) {
    // One sdk/ per IP, under the agency of the IP's first node.
    for (const ip of new Set(spec.nodes.map((n) => n.ip))) {
      const agency = spec.nodes.find((n) => n.ip === ip)!.agency;
      ca.issue("rsa", `${ip}/sdk`, "sdk", "/CN=FISCO-BCOS/O=fisco-bcos/OU=agency", `cert/${agency}/channel/ca`, "v4_req");
      copyFileSync(path.join(dir, "cert", agency, "channel", "ca.crt"), path.join(dir, ip, "sdk", "ca.crt"));
      if (spec.gm) {
        const agencyCa = `gmcert/${agency}-gm/gmagency`;
        ca.issue("gm", `${ip}/sdk/gm`, "gmsdk", "/CN=sdk/O=fisco-bcos/OU=sdk", agencyCa, "v3_req");
        appendFileSync(path.join(dir, ip, "sdk", "gm", "gmsdk.crt"), concat(ca.read(`${agencyCa}.crt`), ca.read("gmcert/gmca.crt")));
        ca.issue("gm", `${ip}/sdk/gm`, "gmensdk", "/CN=sdk/O=fisco-bcos/OU=ensdk", agencyCa, "v3enc_req");
        copyFileSync(path.join(dir, "gmcert", "gmca.crt"), path.join(dir, ip, "sdk", "gm", "gmca.crt"));
        writeFileSync(path.join(dir, ip, "sdk", "gm", "gmsdk.publickey"), `${opensslNodeId(path.join(dir, ip, "sdk", "gm", "gmsdk.key"))}\n`);
      }
    }
  } else {
    // The first agency's generator meta/: CA certificates, its own agency certificate and key.
    const own = agencies[0];
    const meta = path.join(dir, "meta");
    mkdirSync(meta);
    copyFileSync(path.join(dir, "chain", "ca.crt"), path.join(meta, "ca.crt"));
    copyFileSync(path.join(dir, `agency-${own}`, "agency.crt"), path.join(meta, "agency.crt"));
    copyFileSync(path.join(dir, `agency-${own}`, "agency.key"), path.join(meta, "agency.key"));
    if (spec.gm) {
      copyFileSync(path.join(dir, "chain", "gmca.crt"), path.join(meta, "gmca.crt"));
      copyFileSync(path.join(dir, `agency-${own}`, "gmagency.crt"), path.join(meta, "gmagency.crt"));
      copyFileSync(path.join(dir, `agency-${own}`, "gmagency.key"), path.join(meta, "gmagency.key"));
    }
  }
  return { dir, nodeIds, nodeDirs };
}

/** Every file under `dir` (absolute paths). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Acceptance of `bcos-pulumi render` on the dev stack, checked with tools we did not write:
 * OpenSSL 3 for every certificate link, key pair and node ID, and the `ini` package for every
 * config file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as ini from "ini";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Scratch, verifyLink } from "../crypto/openssl-harness";

const root = join(__dirname, "..", "..");
const nodes = { node0: "agencyA", node1: "agencyA", node2: "agencyA", node3: "agencyB", node4: "agencyC" } as const;
type NodeName = keyof typeof nodes;
const groups: Record<number, NodeName[]> = { 1: ["node0", "node1", "node2", "node3"], 2: ["node3", "node4"] };
const p2pPort: Record<NodeName, number> = { node0: 30300, node1: 30301, node2: 30302, node3: 30303, node4: 30304 };

let work: string;
let out: string;
const scratch = new Scratch();

const nodeDir = (node: NodeName) => join(out, nodes[node], node);
const read = (...parts: string[]) => readFileSync(join(...parts), "utf8");
const pems = (text: string): string[] => [...(text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [])];
/** The `ini` package's result, as the loosely typed tree it is. */
type IniTree = Record<string, Record<string, string | boolean>>;
const parseIni = (text: string) => ini.parse(text) as IniTree;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The public point of a private key as printed by `openssl pkey -text` (04 prefix dropped). */
function opensslPublicPoint(keyFile: string): string {
  const text = scratch.must("pkey", "-noout", "-text", "-in", keyFile);
  const pub = /pub:\s*\n([\s0-9a-f:]+)/.exec(text);
  if (!pub) throw new Error(`no pub: in openssl output:\n${text}`);
  return pub[1].replace(/[\s:]/g, "").slice(2);
}

function opensslPubkeyOfKey(keyFile: string): string {
  return scratch.must("pkey", "-pubout", "-in", keyFile);
}

function opensslPubkeyOfCert(certPem: string): string {
  return scratch.must("x509", "-noout", "-pubkey", "-in", scratch.file("pubkey.crt", certPem));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bcos-cli-dev-"));
  out = join(work, "out");
  execFileSync(process.execPath, [join(root, "bin", "bcos-pulumi.js"), "render", "--topology", join(root, "stacks", "Pulumi.dev.yaml"), "--out", out], {
    cwd: root,
    stdio: "pipe",
  });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  scratch.remove();
});

describe("render of the dev stack", () => {
  it("produces the seed's folders: chain/, every node under its agency, an sdk/ per agency", () => {
    expect(readdirSync(out).sort()).toEqual(["agencyA", "agencyB", "agencyC", "agencyD", "chain"]);
    expect(readdirSync(join(out, "agencyA")).sort()).toEqual(["node0", "node1", "node2", "sdk"]);
    expect(readdirSync(join(out, "agencyB")).sort()).toEqual(["node3", "sdk"]);
    expect(readdirSync(join(out, "agencyC")).sort()).toEqual(["node4", "sdk"]);
    expect(listFiles(join(out, "chain"))).toEqual(["ca.crt", "ca.key", "gmca.crt", "gmca.key"]);
  });

  it("lays out every node folder as build_chain 2.11.1 does in GM mode", () => {
    for (const node of Object.keys(nodes) as NodeName[]) {
      const groupFiles = Object.entries(groups)
        .filter(([, members]) => members.includes(node))
        .flatMap(([id]) => [`conf/group.${id}.genesis`, `conf/group.${id}.ini`]);
      const expected = [
        "config.ini",
        "start.sh",
        "stop.sh",
        "scripts/load_new_groups.sh",
        "scripts/monitor.sh",
        "scripts/reload_sdk_allowlist.sh",
        "scripts/reload_whitelist.sh",
        "conf/gmca.crt",
        "conf/gmnode.key",
        "conf/gmnode.crt",
        "conf/gmnode.nodeid",
        "conf/gmnode.serial",
        "conf/gmennode.key",
        "conf/gmennode.crt",
        "conf/origin_cert/ca.crt",
        "conf/origin_cert/node.crt",
        "conf/origin_cert/node.key",
        "conf/channel_cert/ca.crt",
        "conf/channel_cert/node.crt",
        "conf/channel_cert/node.key",
        ...groupFiles,
      ].sort();
      expect(listFiles(nodeDir(node)), node).toEqual(expected);
    }
  });

  it("writes private keys with mode 0600 and scripts with mode 0755", () => {
    for (const node of Object.keys(nodes) as NodeName[]) {
      for (const key of ["conf/gmnode.key", "conf/gmennode.key", "conf/origin_cert/node.key", "conf/channel_cert/node.key"]) {
        expect(statSync(join(nodeDir(node), key)).mode & 0o777, `${node}/${key}`).toBe(0o600);
      }
      expect(statSync(join(nodeDir(node), "start.sh")).mode & 0o777).toBe(0o755);
    }
  });

  it("chains every gmnode.crt and gmennode.crt to its agency and to gmca.crt (OpenSSL, SM2 with the default ID, link by link)", () => {
    const gmca = read(out, "chain", "gmca.crt");
    expect(verifyLink(scratch, gmca, gmca, true).ok).toBe(true);
    for (const node of Object.keys(nodes) as NodeName[]) {
      const [leaf, agency, root, ...rest] = pems(read(nodeDir(node), "conf", "gmnode.crt"));
      expect(rest).toEqual([]);
      expect(root).toBe(gmca);
      expect(read(nodeDir(node), "conf", "gmca.crt")).toBe(gmca);
      const links = [
        verifyLink(scratch, leaf, agency, true),
        verifyLink(scratch, read(nodeDir(node), "conf", "gmennode.crt"), agency, true),
        verifyLink(scratch, agency, gmca, true),
      ];
      for (const link of links) expect(link.output, node).toMatch(/: OK/);
      // Without the FISCO user ID the SM2 signature must not verify: proves the ID is really used.
      expect(verifyLink(scratch, leaf, agency, false).ok).toBe(false);
    }
  });

  it("chains every origin_cert/node.crt to ca.crt and every channel cert to its agency's channel CA (OpenSSL)", () => {
    const ca = read(out, "chain", "ca.crt");
    for (const node of Object.keys(nodes) as NodeName[]) {
      const dir = nodeDir(node);
      const [leaf, agency, root] = pems(read(dir, "conf", "origin_cert", "node.crt"));
      expect(root).toBe(ca);
      expect(read(dir, "conf", "origin_cert", "ca.crt")).toBe(ca);
      const untrusted = scratch.file("agency.crt", agency);
      const chain = scratch.run("verify", "-CAfile", scratch.file("ca.crt", ca), "-untrusted", untrusted, scratch.file("leaf.crt", leaf));
      expect(chain.output, node).toMatch(/: OK/);
      const channel = scratch.run("verify", "-CAfile", join(dir, "conf", "channel_cert", "ca.crt"), join(dir, "conf", "channel_cert", "node.crt"));
      expect(channel.output, node).toMatch(/: OK/);
      expect(read(dir, "conf", "channel_cert", "ca.crt")).toBe(read(out, nodes[node], "sdk", "ca.crt"));
    }
  });

  it("pairs every key with its certificate and makes gmnode.nodeid the public point of gmnode.key (OpenSSL)", () => {
    for (const node of Object.keys(nodes) as NodeName[]) {
      const conf = join(nodeDir(node), "conf");
      const pairs: [string, string][] = [
        ["gmnode.key", "gmnode.crt"],
        ["gmennode.key", "gmennode.crt"],
        ["origin_cert/node.key", "origin_cert/node.crt"],
        ["channel_cert/node.key", "channel_cert/node.crt"],
      ];
      for (const [key, cert] of pairs) {
        expect(opensslPubkeyOfKey(join(conf, key)), `${node}/${key}`).toBe(opensslPubkeyOfCert(pems(read(conf, cert))[0]));
      }
      const id = read(conf, "gmnode.nodeid");
      expect(id).toMatch(/^[0-9a-f]{128}\n$/);
      expect(id.trim()).toBe(opensslPublicPoint(join(conf, "gmnode.key")));
    }
  });

  it("gives every member of a group the same group.N.genesis, whose node.i lines are the sealers' IDs", () => {
    for (const [id, members] of Object.entries(groups)) {
      const texts = members.map((node) => read(nodeDir(node), "conf", `group.${id}.genesis`));
      for (const text of texts) expect(text).toBe(texts[0]);
      const parsed = parseIni(texts[0]);
      const listed = Object.entries(parsed.consensus)
        .filter(([key]) => key.startsWith("node."))
        .map(([, value]) => value)
        .sort();
      const sealerIds = members.map((node) => read(nodeDir(node), "conf", "gmnode.nodeid").trim()).sort();
      expect(listed).toEqual(sealerIds);
      expect(parsed.group).toMatchObject({ id, timestamp: "1700000000000" });
    }
  });

  it("writes a config.ini that an independent INI parser reads, listing every other node as a p2p peer", () => {
    for (const node of Object.keys(nodes) as NodeName[]) {
      const config = parseIni(read(nodeDir(node), "config.ini"));
      const peers = Object.entries(config.p2p)
        .filter(([key]) => key.startsWith("node."))
        .map(([, value]) => value);
      for (const other of Object.keys(nodes) as NodeName[]) {
        if (other !== node) expect(peers, node).toContain(`127.0.0.1:${p2pPort[other]}`);
      }
      expect(config.p2p.listen_port).toBe(String(p2pPort[node]));
      expect(config.chain).toMatchObject({ id: "1", sm_crypto: true });
      expect(config.network_security).toMatchObject({ data_path: "conf/", key: "gmnode.key", cert: "gmnode.crt", ca_cert: "gmca.crt" });
      expect(config.compatibility.supported_version).toBe("2.11.1");
    }
  });
});

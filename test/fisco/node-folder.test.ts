import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderChainFolder } from "../../infra/fisco/chain-folder";
import { renderGroupGenesis } from "../../infra/fisco/genesis";
import { renderNodeFolder } from "../../infra/fisco/node-folder";
import { parseConfigIni, parseGenesis } from "../../infra/fisco/parse";
import { certSerialHex } from "../../infra/fisco/pem";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { renderSdkFolder } from "../../infra/fisco/sdk-folder";
import { DEFAULT_GENESIS, GM_SIGN_SERIAL, SAMPLE_IDS, fakeId, fakePki, sampleModel } from "./fixtures";

const TIMESTAMPS = { 1: 1700000000000 };
const byPath = (files: RenderedFile[]) => new Map(files.map((f) => [f.path, f]));
const content = (files: RenderedFile[], p: string) => {
  const f = byPath(files).get(p);
  if (!f) throw new Error(`${p} was not rendered`);
  return f.content;
};

/** Reference §1.2 and the samples' README: a 2.11.1 GM node folder, cert.cnf aside. */
const GM_NODE_LAYOUT = [
  "config.ini",
  "start.sh",
  "stop.sh",
  "scripts/load_new_groups.sh",
  "scripts/reload_whitelist.sh",
  "scripts/reload_sdk_allowlist.sh",
  "scripts/monitor.sh",
  "conf/group.1.genesis",
  "conf/group.1.ini",
  "conf/gmca.crt",
  "conf/gmnode.key",
  "conf/gmnode.crt",
  "conf/gmennode.key",
  "conf/gmennode.crt",
  "conf/gmnode.nodeid",
  "conf/gmnode.serial",
  "conf/origin_cert/ca.crt",
  "conf/origin_cert/node.crt",
  "conf/origin_cert/node.key",
  "conf/channel_cert/ca.crt",
  "conf/channel_cert/node.crt",
  "conf/channel_cert/node.key",
];
const STD_NODE_LAYOUT = [
  ...GM_NODE_LAYOUT.slice(0, 9),
  "conf/ca.crt",
  "conf/node.key",
  "conf/node.crt",
  "conf/node.nodeid",
  "conf/channel_cert/ca.crt",
  "conf/channel_cert/node.crt",
  "conf/channel_cert/node.key",
];

describe("renderNodeFolder", () => {
  const model = sampleModel();
  const pki = fakePki(model);
  const files = renderNodeFolder(model, pki, "node1", TIMESTAMPS);

  it("produces exactly the build_chain GM layout under <node>/", () => {
    expect(files.map((f) => f.path).sort()).toEqual(GM_NODE_LAYOUT.map((p) => `node1/${p}`).sort());
  });

  it("produces the non-GM layout", () => {
    const m = sampleModel(false);
    const std = renderNodeFolder(m, fakePki(m), "node0", TIMESTAMPS);
    expect(std.map((f) => f.path).sort()).toEqual(STD_NODE_LAYOUT.map((p) => `node0/${p}`).sort());
    expect(content(std, "node0/conf/node.nodeid")).toBe(`${fakeId("node0")}\n`);
    const agency = fakePki(m).agencies[0];
    expect(content(std, "node0/conf/node.crt")).toBe(fakePki(m).nodes[0].std.certPem + agency.std.certPem + fakePki(m).authority.std.certPem);
  });

  it("gives keys 0600, scripts 0755 and everything else 0644", () => {
    for (const f of files) {
      const expected = f.path.endsWith(".key") ? 0o600 : f.path.endsWith(".sh") ? 0o755 : 0o644;
      expect([f.path, f.mode]).toEqual([f.path, expected]);
    }
  });

  it("chains gmnode.crt and origin_cert/node.crt leaf, agency, root; leaves gmennode.crt alone", () => {
    const node = pki.nodes[1];
    const agency = pki.agencies[0];
    expect(content(files, "node1/conf/gmnode.crt")).toBe(node.gmSign!.certPem + agency.gm!.certPem + pki.authority.gm!.certPem);
    expect(content(files, "node1/conf/gmennode.crt")).toBe(node.gmEnc!.certPem);
    expect(content(files, "node1/conf/origin_cert/node.crt")).toBe(node.std.certPem + agency.std.certPem + pki.authority.std.certPem);
    expect(content(files, "node1/conf/origin_cert/ca.crt")).toBe(pki.authority.std.certPem);
    expect(content(files, "node1/conf/channel_cert/ca.crt")).toBe(agency.channelCa!.certPem);
    expect(content(files, "node1/conf/channel_cert/node.key")).toBe(node.channel!.key.privateKeyPem);
    expect(content(files, "node1/conf/gmnode.key")).toBe(node.gmSign!.key.privateKeyPem);
  });

  it("writes the node ID and the upper-case serial of gmnode.crt, each with a newline", () => {
    expect(content(files, "node1/conf/gmnode.nodeid")).toBe(`${fakeId("node1")}\n`);
    expect(content(files, "node1/conf/gmnode.serial")).toBe(`${GM_SIGN_SERIAL}\n`);
  });

  it("writes a config.ini and group files the strict parsers accept", () => {
    const config = parseConfigIni(content(files, "node1/config.ini"));
    expect(config.p2p.listenPort).toBe(30301);
    const genesis = parseGenesis(content(files, "node1/conf/group.1.genesis"));
    expect(genesis.sealers).toEqual(pki.nodes.map((n) => n.nodeId).sort());
    expect(genesis.timestamp).toBe(1700000000000);
  });

  it("renders the same genesis on every member and the same bytes twice", () => {
    const genesisOf = (name: string) => content(renderNodeFolder(model, pki, name, TIMESTAMPS), `${name}/conf/group.1.genesis`);
    expect(new Set(["node0", "node1", "node2", "node3"].map(genesisOf)).size).toBe(1);
    expect(renderNodeFolder(model, pki, "node1", TIMESTAMPS)).toEqual(files);
  });

  it("covers sealer, observer and free groups only, genesis from the group's sealers", () => {
    const m = sampleModel();
    m.groups.push(
      { id: 2, sealers: ["node0"], observers: ["node1"], free: [], genesis: { ...DEFAULT_GENESIS, epochSealerNum: 1 } },
      { id: 3, sealers: ["node2"], observers: [], free: ["node1"], timestamp: 5, genesis: { ...DEFAULT_GENESIS, consensus: "raft" } },
      { id: 4, sealers: ["node3"], observers: [], free: [], timestamp: 5, genesis: { ...DEFAULT_GENESIS } },
    );
    const p = fakePki(m);
    const out = renderNodeFolder(m, p, "node1", { 1: 1700000000000, 2: 99 });
    expect(out.filter((f) => f.path.includes("/conf/group.")).map((f) => f.path)).toEqual([
      "node1/conf/group.1.genesis",
      "node1/conf/group.1.ini",
      "node1/conf/group.2.genesis",
      "node1/conf/group.2.ini",
      "node1/conf/group.3.genesis",
      "node1/conf/group.3.ini",
    ]);
    expect(parseGenesis(content(out, "node1/conf/group.2.genesis"))).toMatchObject({ sealers: [fakeId("node0")], timestamp: 99 });
    expect(parseGenesis(content(out, "node1/conf/group.3.genesis"))).toMatchObject({ sealers: [fakeId("node2")], timestamp: 5 });
  });

  it("uses a genesis override verbatim", () => {
    const frozen = renderGroupGenesis({ groupId: 1, params: DEFAULT_GENESIS, sealerIds: SAMPLE_IDS, timestamp: 1, version: "2.11.1" });
    const out = renderNodeFolder(model, pki, "node0", {}, { genesisOverride: { 1: frozen } });
    expect(content(out, "node0/conf/group.1.genesis")).toBe(frozen);
    expect(() => renderNodeFolder(model, pki, "node0", {}, { genesisOverride: { 1: frozen.replace("id=1", "id=2") } })).toThrow(
      /genesis override for group 1 is for group 2/,
    );
    expect(() => renderNodeFolder(model, pki, "node0", {}, { genesisOverride: { 1: "[group]\nid=1\nid=1\n" } })).toThrow(
      /genesis override for group 1:3: duplicate key id/,
    );
  });

  it("refuses missing or conflicting timestamps and inconsistent PKI", () => {
    const m = sampleModel();
    delete m.groups[0].timestamp;
    expect(() => renderNodeFolder(m, pki, "node0", {})).toThrow(/group 1: no genesis timestamp/);
    expect(() => renderNodeFolder(model, pki, "node0", { 1: 5 })).toThrow(/pins timestamp 1700000000000 but 5/);
    const broken = fakePki(model);
    broken.nodes[0].nodeId = fakeId("someone else");
    expect(() => renderNodeFolder(model, broken, "node0", TIMESTAMPS)).toThrow(/node node0: nodeId does not match/);
    const noGm = fakePki(model);
    delete noGm.nodes[2].gmEnc;
    expect(() => renderNodeFolder(model, noGm, "node2", TIMESTAMPS)).toThrow(/GM mode needs node node2's SM2 encryption credential/);
  });
});

describe("renderSdkFolder", () => {
  it("has the RSA set and, in GM mode, sdk/gm/", () => {
    const model = sampleModel();
    const pki = fakePki(model);
    const files = renderSdkFolder(model, pki, "agency");
    const agency = pki.agencies[0];
    expect(files.map((f) => [f.path, f.mode])).toEqual([
      ["sdk/ca.crt", 0o644],
      ["sdk/sdk.crt", 0o644],
      ["sdk/sdk.key", 0o600],
      ["sdk/gm/gmca.crt", 0o644],
      ["sdk/gm/gmsdk.crt", 0o644],
      ["sdk/gm/gmsdk.key", 0o600],
      ["sdk/gm/gmensdk.crt", 0o644],
      ["sdk/gm/gmensdk.key", 0o600],
      ["sdk/gm/gmsdk.publickey", 0o644],
      ["sdk/config.toml", 0o644],
    ]);
    expect(content(files, "sdk/ca.crt")).toBe(agency.channelCa!.certPem);
    expect(content(files, "sdk/gm/gmsdk.crt")).toBe(agency.sdk.gmSign!.certPem + agency.gm!.certPem + pki.authority.gm!.certPem);
    expect(content(files, "sdk/gm/gmensdk.crt")).toBe(agency.sdk.gmEnc!.certPem);
    expect(content(files, "sdk/gm/gmsdk.publickey")).toBe(`${agency.sdk.gmSign!.key.publicKeyHex}\n`);
  });

  it("has only the RSA set without GM", () => {
    const model = sampleModel(false);
    expect(renderSdkFolder(model, fakePki(model), "agency").map((f) => f.path)).toEqual(["sdk/ca.crt", "sdk/sdk.crt", "sdk/sdk.key", "sdk/config.toml"]);
    expect(() => renderSdkFolder(model, fakePki(model), "nobody")).toThrow(/agency nobody is not in the model/);
  });
});

describe("renderChainFolder", () => {
  it("writes the CA certificates, and their keys (0600) only when asked", () => {
    const pki = fakePki(sampleModel());
    expect(renderChainFolder(pki, false).map((f) => [f.path, f.mode])).toEqual([
      ["chain/ca.crt", 0o644],
      ["chain/gmca.crt", 0o644],
    ]);
    expect(renderChainFolder(pki, true).map((f) => [f.path, f.mode])).toEqual([
      ["chain/ca.crt", 0o644],
      ["chain/gmca.crt", 0o644],
      ["chain/ca.key", 0o600],
      ["chain/gmca.key", 0o600],
    ]);
    expect(renderChainFolder(fakePki(sampleModel(false)), false).map((f) => f.path)).toEqual(["chain/ca.crt"]);
  });
});

describe("certSerialHex", () => {
  it.each(["0x01", "0x80", "0x00FF00", "0x8000000000000000000000000000000000000001"])("agrees with openssl x509 -serial for serial %s", (serial) => {
    const dir = mkdtempSync(path.join(tmpdir(), "fisco-serial-"));
    const key = path.join(dir, "k.pem");
    const crt = path.join(dir, "c.pem");
    execFileSync("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key]);
    execFileSync("openssl", ["req", "-new", "-x509", "-key", key, "-sm3", "-subj", "/CN=t", "-days", "1", "-set_serial", serial, "-out", crt]);
    const expected = execFileSync("openssl", ["x509", "-in", crt, "-noout", "-serial"], { encoding: "utf8" }).trim().replace("serial=", "");
    expect(certSerialHex(readFileSync(crt, "utf8"))).toBe(expected);
    rmSync(dir, { recursive: true, force: true });
  });

  it("fails clearly on a non-certificate", () => {
    expect(() => certSerialHex("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toThrow(/cannot read the serial number/);
  });
});

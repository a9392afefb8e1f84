import * as ini from "ini";
import { describe, expect, it } from "vitest";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { parseIni } from "../../infra/fisco/parse";
import type { Model } from "../../infra/topology/types";
import { readSample, sampleModel, withoutProse } from "./fixtures";

/** Our parser's view of a document as plain records, for comparison with the `ini` package. */
function asRecords(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, sec] of parseIni(text).sections) {
    out[name] = Object.fromEntries([...sec.entries].map(([k, e]) => [k, e.value]));
  }
  return out;
}

/** The `ini` package's view with every value as a string (it turns true/false into booleans). */
function iniPackageRecords(text: string): Record<string, Record<string, string>> {
  const parsed = ini.parse(text) as Record<string, Record<string, unknown>>;
  return Object.fromEntries(Object.entries(parsed).map(([name, sec]) => [name, Object.fromEntries(Object.entries(sec).map(([k, v]) => [k, String(v)]))]));
}

// The sample writes `enable_console_output = false` (spaces are cosmetic to Boost); compare key=value.
const normalise = (lines: string[]) => lines.map((l) => l.replace(/\s*=\s*/, "="));

describe("renderConfigIni", () => {
  it("matches the build_chain 2.11.1 GM sample line for line, prose comments aside", () => {
    const rendered = renderConfigIni(sampleModel(), "node0");
    expect(normalise(withoutProse(rendered))).toEqual(normalise(withoutProse(readSample("config.ini"))));
  });

  it("has the sample's sections, keys and values by independent parsing", () => {
    const rendered = iniPackageRecords(renderConfigIni(sampleModel(), "node0"));
    expect(rendered).toEqual(iniPackageRecords(readSample("config.ini")));
    expect(Object.keys(rendered)).toEqual([
      "rpc",
      "p2p",
      "certificate_blacklist",
      "certificate_whitelist",
      "group",
      "network_security",
      "storage_security",
      "chain",
      "compatibility",
      "log",
      "flow_control",
    ]);
  });

  it("is parsed identically by our strict parser and the ini package (GM and non-GM)", () => {
    for (const gm of [true, false]) {
      const text = renderConfigIni(sampleModel(gm), "node2");
      expect(asRecords(text)).toEqual(iniPackageRecords(text));
    }
  });

  it("uses node.key/node.crt/ca.crt and sm_crypto=false without GM", () => {
    const c = iniPackageRecords(renderConfigIni(sampleModel(false), "node1"));
    expect(c.network_security).toEqual({ data_path: "conf/", key: "node.key", cert: "node.crt", ca_cert: "ca.crt" });
    expect(c.chain).toEqual({ id: "1", sm_crypto: "false", sm_crypto_channel: "false", rsa_crypto_channel: "true" });
  });

  it("takes ports from the node and lists every node of the chain in model order", () => {
    const model = sampleModel();
    model.hosts.push({ name: "v6", address: "fd00::7", connection: { kind: "local" }, deployDir: "/d" });
    model.hosts.push({ name: "dns", address: "fisco-b.example.com", connection: { kind: "local" }, deployDir: "/d" });
    model.nodes[1] = { ...model.nodes[1], host: "v6", p2pPort: 31000, channelPort: 21000, rpcPort: 9000 };
    model.nodes[2] = { ...model.nodes[2], host: "dns" };
    const c = iniPackageRecords(renderConfigIni(model, "node1"));
    expect(c.rpc).toMatchObject({ channel_listen_port: "21000", jsonrpc_listen_port: "9000", jsonrpc_listen_ip: "127.0.0.1" });
    expect(c.p2p).toEqual({
      listen_ip: "::",
      listen_port: "31000",
      "node.0": "127.0.0.1:30300",
      "node.1": "[fd00::7]:31000",
      "node.2": "fisco-b.example.com:30302",
      "node.3": "127.0.0.1:30303",
    });
    // An IPv6 host listens on the IPv6 wildcard; the others keep 0.0.0.0.
    expect(c.rpc.channel_listen_ip).toBe("::");
    expect(iniPackageRecords(renderConfigIni(model, "node0")).p2p.listen_ip).toBe("0.0.0.0");
  });

  it("writes chain id, supported_version and the GM channel flag from the model", () => {
    const model: Model = sampleModel();
    model.chain = { ...model.chain, id: 7, version: "2.9.0", smCryptoChannel: true };
    const c = iniPackageRecords(renderConfigIni(model, "node0"));
    expect(c.chain).toEqual({ id: "7", sm_crypto: "true", sm_crypto_channel: "true", rsa_crypto_channel: "true" });
    expect(c.compatibility.supported_version).toBe("2.9.0");
    expect(c.log.max_log_file_size).toBe("200");
  });

  it("is deterministic and fails on an unknown node", () => {
    expect(renderConfigIni(sampleModel(), "node3")).toBe(renderConfigIni(sampleModel(), "node3"));
    expect(() => renderConfigIni(sampleModel(), "node9")).toThrow(/node node9 is not in the model/);
  });
});

describe("renderConfigIni: certificate black and white lists", () => {
  const ID_A = "ab".repeat(64);
  const ID_B = "0123456789abcdef".repeat(8);
  const ID_C = "fe".repeat(64);

  it("writes crl.N / cal.N in topology order on every node, in place of the placeholders", () => {
    const model = sampleModel();
    model.chain.certificateBlacklist = [ID_A, ID_B];
    model.chain.certificateWhitelist = [ID_C];
    for (const node of model.nodes) {
      const text = renderConfigIni(model, node.name);
      const c = iniPackageRecords(text);
      expect(c.certificate_blacklist).toEqual({ "crl.0": ID_A, "crl.1": ID_B });
      expect(c.certificate_whitelist).toEqual({ "cal.0": ID_C });
      expect(text).not.toMatch(/;c[ar]l\.0=/);
      expect(asRecords(text)).toEqual(c);
    }
  });

  it("the rest of the file is unchanged by the lists", () => {
    const model = sampleModel();
    const plain = renderConfigIni(model, "node0").split("\n");
    model.chain.certificateBlacklist = [ID_A];
    const listed = renderConfigIni(model, "node0").split("\n");
    expect(listed.filter((l) => !plain.includes(l))).toEqual([`    crl.0=${ID_A}`]);
    expect(plain.filter((l) => !listed.includes(l))).toEqual(["    ;crl.0="]);
  });

  it("empty lists render the build_chain placeholders, byte for byte as without them", () => {
    const model = sampleModel();
    const without = renderConfigIni(model, "node1");
    model.chain.certificateBlacklist = [];
    model.chain.certificateWhitelist = [];
    expect(renderConfigIni(model, "node1")).toBe(without);
  });
});

import { describe, expect, it } from "vitest";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { IniError, parseConfigIni, parseGenesis, parseIni } from "../../infra/fisco/parse";
import { SAMPLE_IDS, readSample, sampleModel } from "./fixtures";

/** The IniError a call throws, so tests can look at its line and message. */
function iniError(fn: () => unknown): IniError {
  try {
    fn();
  } catch (err) {
    if (err instanceof IniError) return err;
    throw err;
  }
  throw new Error("expected an IniError");
}

describe("parseIni (Boost read_ini semantics)", () => {
  it("trims, skips comments and keeps file order", () => {
    const doc = parseIni("; top\n[a]\n  k = v ; not a comment \r\n\t;x=1\n[b]\nz=\ny = 2\n");
    expect([...doc.sections.keys()]).toEqual(["a", "b"]);
    expect(doc.sections.get("a")!.entries.get("k")).toEqual({ value: "v ; not a comment", line: 3 });
    expect([...doc.sections.get("b")!.entries]).toEqual([
      ["z", { value: "", line: 6 }],
      ["y", { value: "2", line: 7 }],
    ]);
  });

  it("splits at the first '=' and ignores text after ']'", () => {
    const doc = parseIni("[s] trailing\nk=a=b\n");
    expect(doc.sections.get("s")!.entries.get("k")!.value).toBe("a=b");
  });

  it("rejects a duplicate key with both line numbers", () => {
    const err = iniError(() => parseIni("[p2p]\nnode.0=a:1\n\nnode.0=b:2\n", "config.ini"));
    expect(err.line).toBe(4);
    expect(err.message).toBe("config.ini:4: duplicate key node.0 (first at line 2)");
  });

  it("rejects a duplicate section even when the first was empty", () => {
    const err = iniError(() => parseIni("[a]\n[b]\nk=1\n[a]\n"));
    expect(err.message).toBe("ini:4: duplicate section [a] (first at line 1)");
  });

  it("allows the same key in different sections", () => {
    expect(parseIni("[a]\nk=1\n[b]\nk=2\n").sections.get("b")!.entries.get("k")!.value).toBe("2");
  });

  it.each([
    ["k=1\n[a]\n", 1, "key k appears before any [section]"],
    ["[a]\njust text\n", 2, 'expected key=value, got "just text"'],
    ["[a]\n =1\n", 2, "missing key before '=' in \"=1\""],
    ["[a\n", 1, "unmatched '['"],
  ])("rejects %j at line %i", (text, line, reason) => {
    const err = iniError(() => parseIni(text));
    expect(err.line).toBe(line);
    expect(err.message).toContain(reason);
  });
});

describe("parseGenesis", () => {
  it("reads the reference sample", () => {
    const g = parseGenesis(readSample("group.1.genesis"));
    expect(g).toMatchObject({ groupId: 1, timestamp: 1700000000000, sealers: SAMPLE_IDS, stateType: "storage" });
    expect(g.params).toEqual({
      consensus: "pbft",
      maxTransNum: 1000,
      gasLimit: 300000000,
      consensusTimeout: 3,
      epochSealerNum: 4,
      epochBlockNum: 1000,
      enableFreeStorage: false,
    });
  });

  it("applies the node's defaults and normalises IDs as the node does", () => {
    const g = parseGenesis(`[consensus]\nconsensus_type=PBFT\nnode.0=0x${SAMPLE_IDS[0].toUpperCase()}\n[group]\nid=2\n`);
    expect(g).toEqual({
      groupId: 2,
      timestamp: undefined,
      sealers: [SAMPLE_IDS[0]],
      stateType: "storage",
      params: {
        consensus: "pbft",
        maxTransNum: 1000,
        gasLimit: 300000000,
        consensusTimeout: 3,
        epochSealerNum: 1,
        epochBlockNum: 1000,
        enableFreeStorage: false,
      },
    });
  });

  it.each([
    ["[consensus]\nnode.0=1234\n", 2, "[consensus] node.0: not a node ID"],
    [`[consensus]\nnode.0=${"0".repeat(128)}\n`, 2, "not a node ID"],
    ["[consensus]\nconsensus_type=hotstuff\n", 2, "must be pbft, raft or rpbft"],
    ["[consensus]\nmax_trans_num=0\n", 2, "[consensus] max_trans_num: must be 1 or more, got 0"],
    ["[consensus]\n\nconsensus_timeout=2\n", 3, "consensus_timeout: must be 3..2147483646"],
    ["[consensus]\nepoch_block_num=1\n", 2, "epoch_block_num"],
    ["[tx]\ngas_limit=-5\n", 2, "gas_limit: must be 0 or more"],
    ["[group]\ntimestamp=12abc\n", 2, 'timestamp: expected an integer, got "12abc"'],
    ["[evm]\nenable_free_storage=yes\n", 2, "expected true or false"],
    ["[state]\ntype=leveldb\n", 2, "must be storage or mpt"],
  ])("rejects %j at line %i", (text, line, reason) => {
    const err = iniError(() => parseGenesis(text, "group.1.genesis"));
    expect(err.message).toContain(`group.1.genesis:${line}: `);
    expect(err.message).toContain(reason);
  });
});

describe("parseConfigIni", () => {
  it("reads the reference sample", () => {
    const c = parseConfigIni(readSample("config.ini"));
    expect(c.rpc).toEqual({
      channelListenIp: "0.0.0.0",
      channelListenPort: 20200,
      jsonrpcListenIp: "127.0.0.1",
      jsonrpcListenPort: 8545,
      disableDynamicGroup: false,
    });
    expect(c.p2p.peers).toEqual([0, 1, 2, 3].map((i) => ({ host: "127.0.0.1", port: 30300 + i })));
    expect(c.networkSecurity).toMatchObject({
      dataPath: "conf/",
      key: "gmnode.key",
      cert: "gmnode.crt",
      caCert: "gmca.crt",
      enKey: "gmennode.key",
      enCert: "gmennode.crt",
    });
    expect(c.chain).toEqual({ id: 1, smCrypto: true, smCryptoChannel: false, rsaCryptoChannel: true });
    expect(c.supportedVersion).toBe("2.11.1");
    expect(c.log).toEqual({ enable: true, logPath: "./log", level: "info", maxLogFileSize: 200 });
    expect(c.whitelist).toEqual([]);
  });

  it("reads what we render, including IPv6 peers and non-GM names", () => {
    const model = sampleModel(false);
    model.hosts.push({ name: "v6", address: "fd00::7", connection: { kind: "local" }, deployDir: "/d" });
    model.nodes[3] = { ...model.nodes[3], host: "v6" };
    const c = parseConfigIni(renderConfigIni(model, "node1"));
    expect(c.p2p.peers[3]).toEqual({ host: "fd00::7", port: 30303 });
    expect(c.p2p.listenPort).toBe(30301);
    expect(c.networkSecurity).toMatchObject({ key: "node.key", cert: "node.crt", caCert: "ca.crt" });
    expect(c.chain.smCrypto).toBe(false);
  });

  it("collects valid whitelist and blacklist IDs", () => {
    const text = `[certificate_whitelist]\ncal.0=${SAMPLE_IDS[0]}\ncal.1=bogus\n[certificate_blacklist]\ncrl.0=${SAMPLE_IDS[1].toUpperCase()}\n`;
    const c = parseConfigIni(text);
    expect(c.whitelist).toEqual([SAMPLE_IDS[0]]);
    expect(c.blacklist).toEqual([SAMPLE_IDS[1]]);
  });

  it("reads the legacy [crl] / [cal] sections only when the current names are absent, as 2.11 does", () => {
    const legacy = parseConfigIni(`[crl]\ncrl.0=${SAMPLE_IDS[0]}\n[cal]\ncal.0=${SAMPLE_IDS[1]}\n`);
    expect([legacy.blacklist, legacy.whitelist]).toEqual([[SAMPLE_IDS[0]], [SAMPLE_IDS[1]]]);
    const both = parseConfigIni(`[crl]\ncrl.0=${SAMPLE_IDS[0]}\n[certificate_blacklist]\n;crl.0=\n`);
    expect(both.blacklist).toEqual([]);
  });

  it("reads rendered topology lists back", () => {
    const model = sampleModel();
    model.chain.certificateBlacklist = [SAMPLE_IDS[0], SAMPLE_IDS[1]];
    model.chain.certificateWhitelist = [SAMPLE_IDS[2]];
    const c = parseConfigIni(renderConfigIni(model, "node0"));
    expect([c.blacklist, c.whitelist]).toEqual([[SAMPLE_IDS[0], SAMPLE_IDS[1]], [SAMPLE_IDS[2]]]);
  });

  const sample = readSample("config.ini");
  const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

  it.each([
    ["max_log_file_size=200", "max_log_file_size=99", "[log] max_log_file_size: must be 100 or more, got 99"],
    ["supported_version=2.11.1", "supported_version=2.11", '[compatibility] supported_version: expected x.y.z, got "2.11"'],
    ["channel_listen_port=20200", "channel_listen_port=70000", "[rpc] channel_listen_port: must be 1..65535"],
    ["node.2=127.0.0.1:30302", "node.2=127.0.0.1", "[p2p] node.2: expected <host>:<port>"],
    ["data_path=conf/", "data_path=conf", "[network_security] data_path: must end with '/' in GM mode"],
    ["    id=1", "    id=-1", "[chain] id: must be 0 or more"],
    ["sm_crypto=true", "sm_crypto=maybe", "[chain] sm_crypto: expected true or false"],
    ["level=info", "level=verbose", "[log] level: must be one of"],
    ["    enable=false", "    enable=true", "[storage_security] cipher_data_key: required when enable=true"],
  ])("rejects %s changed to %s, naming the line", (from, to, reason) => {
    const text = sample.replace(from, to);
    expect(text).not.toBe(sample);
    const err = iniError(() => parseConfigIni(text));
    expect(err.message).toContain(reason);
    // cipher_data_key is present but empty: the error points at its line.
    const key = to.includes("enable=true") ? "cipher_data_key=" : to.trim();
    expect(err.line).toBe(lineOf(text, key));
  });

  it("refuses a supported_version above the binary's", () => {
    expect(() => parseConfigIni(sample, { binaryVersion: "2.11.1" })).not.toThrow();
    expect(() => parseConfigIni(sample, { binaryVersion: "2.9.0" })).toThrow(
      /config\.ini:\d+: \[compatibility\] supported_version: 2\.11\.1 is above the binary's 2\.9\.0/,
    );
  });
});

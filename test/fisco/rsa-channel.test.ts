/**
 * chain.rsaCryptoChannel: false, the channel a generator chain has (its config.ini names no
 * rsa_crypto_channel, which 2.11 reads as false). config.ini says false; no RSA key is made; the
 * node package has no conf/channel_cert/ and the SDK folder carries the set the node's channel then
 * serves: secp256k1 under the chain CA the node itself uses (conf/node.*, on a GM chain
 * conf/origin_cert/), shown by a real TLS 1.2 handshake between the two sets. Absent and true
 * render byte for byte as before.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import type { ChainPki, Credential } from "../../infra/crypto/types";
import { renderConfigIni } from "../../infra/fisco/config-ini";
import { renderNodeFolder } from "../../infra/fisco/node-folder";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { renderSdkFolder } from "../../infra/fisco/sdk-folder";
import { configIniMeaning, meaningDifferences } from "../../infra/import/ini-meaning";
import type { Model, TopologySpec } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { Scratch } from "../crypto/openssl-harness";
import { fakePki } from "./fixtures";

const TIMESTAMPS = { 1: 1700000000000 };

function model(chain: TopologySpec["chain"]): Model {
  return validateTopology(
    {
      chain: { id: 1, version: "2.11.1", install: false, ...chain },
      hosts: { h: { address: "127.0.0.1", connection: "local", deployDir: "/srv/fisco" } },
      agencies: { agencyA: { nodes: { node0: { host: "h" }, node1: { host: "h" } } }, agencyB: { nodes: { node2: { host: "h" } } } },
      groups: { "1": { sealers: ["node0", "node1", "node2"], timestamp: TIMESTAMPS[1] } },
    },
    "test",
  );
}

const file = (files: RenderedFile[], p: string) => {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`${p} was not rendered (have ${files.map((f) => f.path).join(", ")})`);
  return found.content;
};
const paths = (files: RenderedFile[]) => files.map((f) => f.path);

function everyCredential(pki: ChainPki): Credential[] {
  const a = pki.authority;
  return [
    a.std,
    ...(a.gm ? [a.gm] : []),
    ...pki.agencies.flatMap((x) => [x.std, x.gm, x.channelCa, x.sdk.channel, x.sdk.std, x.sdk.gmSign, x.sdk.gmEnc]),
    ...pki.nodes.flatMap((n) => [n.std, n.gmSign, n.gmEnc, n.channel]),
  ].filter((c): c is Credential => c !== undefined);
}

/**
 * A TLS 1.2 handshake as the channel port does it: the node's set as server (client certificate
 * required, verified against its ca.crt), the SDK's as client (server verified against sdk/ca.crt).
 * secp256k1 is offered as FISCO's node does (it sets that ECDH curve). Resolves with the error, if any.
 */
function handshake(server: { key: string; cert: string; ca: string }, client: { key: string; cert: string; ca: string }): Promise<string | undefined> {
  const curves = "secp256k1:P-256";
  return new Promise((resolve) => {
    const srv = tls.createServer({ ...server, requestCert: true, rejectUnauthorized: true, maxVersion: "TLSv1.2", ecdhCurve: curves }, (socket) => {
      socket.end("ok");
    });
    srv.on("tlsClientError", (e) => {
      srv.close();
      resolve(`server: ${e.message}`);
    });
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      const socket = tls.connect({
        ...client,
        host: "127.0.0.1",
        port,
        maxVersion: "TLSv1.2",
        ecdhCurve: curves,
        // The node certificate names no host: the SDK checks the chain only, as the Java SDK does.
        checkServerIdentity: () => undefined,
      });
      socket.on("data", () => {
        socket.end();
        srv.close();
        resolve(undefined);
      });
      socket.on("error", (e) => {
        srv.close();
        resolve(`client: ${e.message}`);
      });
    });
  });
}

describe("config.ini", () => {
  it("writes rsa_crypto_channel from the topology; absent and true are byte for byte today's file", () => {
    const absent = renderConfigIni(model({}), "node0");
    expect(renderConfigIni(model({ rsaCryptoChannel: true }), "node0")).toBe(absent);
    expect(absent).toMatch(/^ {4}rsa_crypto_channel=true$/m);
    const off = renderConfigIni(model({ rsaCryptoChannel: false }), "node0");
    expect(off).toMatch(/^ {4}rsa_crypto_channel=false$/m);
    expect(meaningDifferences(configIniMeaning(absent), configIniMeaning(off))).toEqual(["chain.rsa_crypto_channel: true → false"]);
  });

  it("with false means what a config.ini without the key means (generator's), GM and standard", () => {
    for (const smCrypto of [true, false]) {
      const ours = renderConfigIni(model({ smCrypto, rsaCryptoChannel: false }), "node1");
      const generatorLike = ours.replace(/^ *rsa_crypto_channel=false\n/m, "");
      expect(generatorLike).not.toContain("rsa_crypto_channel");
      expect(meaningDifferences(configIniMeaning(generatorLike), configIniMeaning(ours))).toEqual([]);
    }
  });
});

describe("absent or true: nothing changes", () => {
  it("renders the same node and SDK folders from the same PKI", () => {
    for (const smCrypto of [true, false]) {
      const absent = model({ smCrypto });
      const on = model({ smCrypto, rsaCryptoChannel: true });
      const pki = fakePki(absent);
      expect(renderNodeFolder(on, pki, "node0", TIMESTAMPS)).toEqual(renderNodeFolder(absent, pki, "node0", TIMESTAMPS));
      expect(renderSdkFolder(on, pki, "agencyA")).toEqual(renderSdkFolder(absent, pki, "agencyA"));
    }
  });

  it("needs the RSA parts then, and says which is missing", () => {
    const m = model({});
    const pki = fakePki(m);
    const noChannel = { ...pki, nodes: pki.nodes.map((n) => ({ ...n, channel: undefined })) };
    expect(() => renderNodeFolder(m, noChannel, "node0", TIMESTAMPS)).toThrow(
      /RSA channel \(chain.rsaCryptoChannel\) needs node node0's RSA channel credential/,
    );
    const noCa = { ...pki, agencies: pki.agencies.map((a) => ({ ...a, channelCa: undefined })) };
    expect(() => renderSdkFolder(m, noCa, "agencyA")).toThrow(/needs agency agencyA's RSA channel CA/);
  });
});

describe.each([
  { name: "GM chain, RSA channel off (generator GM)", chain: { smCrypto: true, rsaCryptoChannel: false }, channelDir: "conf/origin_cert" },
  { name: "standard chain, RSA channel off (generator standard)", chain: { smCrypto: false, rsaCryptoChannel: false }, channelDir: "conf" },
])("$name", ({ chain, channelDir }) => {
  const s = new Scratch();
  let m: Model;
  let pki: ChainPki;
  beforeAll(async () => {
    m = model(chain);
    pki = await buildChainPki(m, { now: new Date("2026-01-01T00:00:00Z") });
  });
  afterAll(() => s.remove());

  it("makes no RSA key and no channel credential; each agency gets a secp256k1 SDK certificate from its own CA", () => {
    expect(everyCredential(pki).map((c) => c.key.algorithm)).not.toContain("rsa2048");
    for (const agency of pki.agencies) {
      expect(agency.channelCa).toBeUndefined();
      expect(agency.sdk.channel).toBeUndefined();
      expect(agency.sdk.std?.key.algorithm).toBe("secp256k1");
    }
    for (const node of pki.nodes) expect(node.channel).toBeUndefined();
  });

  it("ships no conf/channel_cert/ and keeps the node's own secp256k1 set the channel then serves", () => {
    const files = renderNodeFolder(m, pki, "node0", TIMESTAMPS);
    expect(paths(files).filter((p) => p.includes("channel_cert"))).toEqual([]);
    for (const f of ["node.key", "node.crt", "ca.crt"]) expect(paths(files)).toContain(`node0/${channelDir}/${f}`);
    expect(file(files, "node0/config.ini")).toMatch(/^ {4}rsa_crypto_channel=false$/m);
  });

  it("gives the SDK the chain CA the node uses and an SDK chain (sdk, agency, chain CA) that openssl verifies", () => {
    const sdk = renderSdkFolder(m, pki, "agencyA");
    const node = renderNodeFolder(m, pki, "node0", TIMESTAMPS);
    expect(file(sdk, "sdk/ca.crt")).toBe(file(node, `node0/${channelDir}/ca.crt`));
    const agency = pki.agencies[0];
    expect(file(sdk, "sdk/sdk.key")).toBe(agency.sdk.std!.key.privateKeyPem);
    expect(file(sdk, "sdk/sdk.publickey")).toBe(`${agency.sdk.std!.key.publicKeyHex}\n`);
    expect(sdk.find((f) => f.path === "sdk/sdk.key")?.mode).toBe(0o600);
    const caFile = s.file("ca.crt", file(sdk, "sdk/ca.crt"));
    const chainFile = s.file("sdk.crt", file(sdk, "sdk/sdk.crt"));
    expect(s.must("verify", "-CAfile", caFile, "-untrusted", chainFile, chainFile)).toContain(": OK");
    // 2.11 checks that an SDK certificate has the issuer of the node's channel certificate.
    const issuer = (pem: string) => s.must("x509", "-noout", "-issuer", "-in", s.file("leaf.crt", pem)).trim();
    expect(issuer(file(sdk, "sdk/sdk.crt"))).toBe(issuer(file(node, `node0/${channelDir}/node.crt`)));
    expect(file(sdk, "sdk/config.toml")).toContain("secp256k1 TLS channel (chain.rsaCryptoChannel: false)");
  });

  it("connects: a TLS 1.2 handshake between the node's channel set and the agency's SDK set succeeds, another agency's SDK is refused", async () => {
    const node = renderNodeFolder(m, pki, "node0", TIMESTAMPS);
    const server = {
      key: file(node, `node0/${channelDir}/node.key`),
      cert: file(node, `node0/${channelDir}/node.crt`),
      ca: file(node, `node0/${channelDir}/ca.crt`),
    };
    const sdkOf = (agency: string) => {
      const sdk = renderSdkFolder(m, pki, agency);
      return { key: file(sdk, "sdk/sdk.key"), cert: file(sdk, "sdk/sdk.crt"), ca: file(sdk, "sdk/ca.crt") };
    };
    expect(await handshake(server, sdkOf("agencyA"))).toBeUndefined();
    // agencyB's SDK chains to the same chain CA, so TLS accepts it; 2.11 refuses it afterwards by
    // comparing issuers (check_cert_issuer), which the issuer test above covers.
    expect(await handshake(server, sdkOf("agencyB"))).toBeUndefined();
    const stranger = await buildChainPki(m, { now: new Date("2026-01-01T00:00:00Z") });
    const foreign = renderSdkFolder(m, stranger, "agencyA");
    expect(await handshake(server, { key: file(foreign, "sdk/sdk.key"), cert: file(foreign, "sdk/sdk.crt"), ca: file(foreign, "sdk/ca.crt") })).toBeDefined();
  });
});

describe("GM channel with the RSA channel off", () => {
  it("makes neither RSA nor secp256k1 SDK material: the GM set alone serves SDKs", async () => {
    const m = model({ smCrypto: true, smCryptoChannel: true, rsaCryptoChannel: false });
    const pki = await buildChainPki(m);
    expect(everyCredential(pki).map((c) => c.key.algorithm)).not.toContain("rsa2048");
    expect(pki.agencies.map((a) => a.sdk.std)).toEqual([undefined, undefined]);
    const sdk = paths(renderSdkFolder(m, pki, "agencyA"));
    expect(sdk.filter((p) => !p.startsWith("sdk/gm/"))).toEqual(["sdk/config.toml"]);
    expect(sdk).toContain("sdk/gm/gmsdk.crt");
    expect(paths(renderNodeFolder(m, pki, "node0", TIMESTAMPS)).filter((p) => p.includes("channel_cert"))).toEqual([]);
  });
});

describe("the reference sample", () => {
  it("build_chain's own config.ini enables the RSA channel, so imported build_chain chains keep it", () => {
    const sample = readFileSync(path.join(__dirname, "..", "fixtures", "fisco-2x-samples", "config.ini"), "utf8");
    expect(configIniMeaning(sample)["chain.rsa_crypto_channel"]).toBe("true");
  });
});

/**
 * Test models and fake PKI. PEM bodies are placeholders (the renderers only place them into
 * files), except the GM signing certificate, which is real because gmnode.serial is read from it.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ChainPki, Credential, KeyAlgorithm, NodePki } from "../../infra/crypto/types";
import type { GenesisParams, Model } from "../../infra/topology/types";

/** build_chain.sh-style reference files of node0 (test/fixtures/README.md says where they came from). */
export const SAMPLES = path.resolve(__dirname, "../fixtures/fisco-2x-samples");
export const readSample = (name: string) => readFileSync(path.join(SAMPLES, name), "utf8");

/** Real SM2 certificate with serial 3A7F00C1D2E3F40516273849 (made with openssl 3). */
export const GM_SIGN_CERT = readFileSync(path.join(__dirname, "fixtures/gmnode-serial-3A7F.crt"), "utf8");
export const GM_SIGN_SERIAL = "3A7F00C1D2E3F40516273849";

/** The four node IDs of the reference sample's group.1.genesis, in file order. */
export const SAMPLE_IDS = [...readSample("group.1.genesis").matchAll(/node\.\d+=([0-9a-f]{128})/g)].map((m) => m[1]);

export const fakeId = (name: string) => createHash("sha512").update(name).digest("hex");

export function fakePem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(body).toString("base64")}\n-----END ${label}-----\n`;
}

export function fakeCredential(name: string, algorithm: KeyAlgorithm, certPem = fakePem("CERTIFICATE", `${name} cert`)): Credential {
  return {
    key: {
      algorithm,
      privateKeyPem: fakePem("PRIVATE KEY", `${name} key`),
      publicKeyPem: fakePem("PUBLIC KEY", `${name} pub`),
      publicKeyHex: algorithm === "rsa2048" ? undefined : fakeId(name),
    },
    certPem,
  };
}

export const DEFAULT_GENESIS: GenesisParams = {
  consensus: "pbft",
  maxTransNum: 1000,
  gasLimit: 300000000,
  consensusTimeout: 3,
  epochSealerNum: 4,
  epochBlockNum: 1000,
  enableFreeStorage: false,
};

/** The chain of the reference samples: 4 nodes on 127.0.0.1, one agency, group 1 of all four. */
export function sampleModel(smCrypto = true): Model {
  const names = ["node0", "node1", "node2", "node3"];
  return {
    chain: { id: 1, smCrypto, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
    hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/fisco" }],
    agencies: [{ name: "agency", nodes: names }],
    nodes: names.map((name, i) => ({ name, agency: "agency", host: "local", p2pPort: 30300 + i, channelPort: 20200 + i, rpcPort: 8545 + i })),
    groups: [{ id: 1, sealers: names, observers: [], free: [], timestamp: 1700000000000, genesis: { ...DEFAULT_GENESIS } }],
  };
}

/** Fake PKI for a model; node IDs default to fakeId(name) and can be replaced per node. */
export function fakePki(model: Model, ids: Record<string, string> = {}): ChainPki {
  const gm = model.chain.smCrypto;
  const node = (name: string): NodePki => {
    const nodeId = ids[name] ?? fakeId(name);
    const sign = gm ? fakeCredential(`${name}-gm`, "sm2", GM_SIGN_CERT) : undefined;
    const std = fakeCredential(`${name}-std`, "secp256k1");
    if (sign) sign.key.publicKeyHex = nodeId;
    else std.key.publicKeyHex = nodeId;
    return {
      name,
      gmSign: sign,
      gmEnc: gm ? fakeCredential(`${name}-gmen`, "sm2") : undefined,
      std,
      channel: fakeCredential(`${name}-channel`, "rsa2048"),
      nodeId,
    };
  };
  return {
    authority: { gm: gm ? fakeCredential("gmca", "sm2") : undefined, std: fakeCredential("ca", "secp256k1") },
    agencies: model.agencies.map((a) => ({
      name: a.name,
      gm: gm ? fakeCredential(`${a.name}-gm`, "sm2") : undefined,
      std: fakeCredential(`${a.name}-std`, "secp256k1"),
      channelCa: fakeCredential(`${a.name}-channel-ca`, "rsa2048"),
      sdk: {
        channel: fakeCredential(`${a.name}-sdk`, "rsa2048"),
        gmSign: gm ? fakeCredential(`${a.name}-gmsdk`, "sm2") : undefined,
        gmEnc: gm ? fakeCredential(`${a.name}-gmensdk`, "sm2") : undefined,
      },
    })),
    nodes: model.nodes.map((n) => node(n.name)),
  };
}

/** Lines that are not prose comments (`; text`); commented-out keys like `;cal.0=` are kept. */
export function withoutProse(text: string): string[] {
  return text.split("\n").filter((line) => !/^\s*; /.test(line));
}

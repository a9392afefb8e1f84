/**
 * Each agency's `sdk/config.toml` (Java SDK 2.x / console 2.x), read with a TOML parser we did not
 * write (smol-toml), on the dev stack with real keys: every certificate path it names is a file of
 * the SDK bundle, its peers are the agency's own channel endpoints, and the RSA set it names
 * completes a TLS handshake (node:tls, both sides verifying) with its own agency's node and fails
 * with another agency's.
 */
import { once } from "node:events";
import { join } from "node:path";
import * as tls from "node:tls";
import { parse } from "smol-toml";
import { beforeAll, describe, expect, it } from "vitest";
import { sdkBundleFiles } from "../../components/agency-package";
import { buildChainPki } from "../../infra/crypto/chain-pki";
import type { ChainPki } from "../../infra/crypto/types";
import { chooseGroupTimestamps, renderChainTree } from "../../infra/fisco/chain-tree";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { renderSdkConfig } from "../../infra/fisco/sdk-config";
import { loadTopologyFile } from "../../infra/topology/load";
import type { Model } from "../../infra/topology/types";

const devStack = join(__dirname, "..", "..", "stacks", "Pulumi.dev.yaml");
const model = loadTopologyFile(devStack);
const gmChannel: Model = { ...model, chain: { ...model.chain, smCryptoChannel: true } };
const standardChain: Model = { ...model, chain: { ...model.chain, smCrypto: false } };

let pki: ChainPki;
beforeAll(async () => {
  pki = await buildChainPki(model);
});

type Toml = Record<string, Record<string, unknown>>;

/** The agency's SDK bundle (what `pulumi up` packs), keyed by path inside `sdk/`. */
function bundle(m: Model, agency: string): Map<string, RenderedFile> {
  const prefix = `${agency}/sdk/`;
  return new Map(sdkBundleFiles(m, pki, agency).map((f) => [f.path.slice(prefix.length), f]));
}

function configOf(m: Model, agency: string): Toml {
  const file = bundle(m, agency).get("config.toml");
  if (!file) throw new Error(`${agency}: no sdk/config.toml`);
  return parse(file.content) as Toml;
}

/** A `conf/…` path of the config as the file of the bundle it names (the bundle becomes `conf/`). */
function fileNamed(m: Model, agency: string, path: unknown): RenderedFile {
  expect(typeof path, `${agency}: ${String(path)}`).toBe("string");
  expect(path as string, `${agency}: a path under certPath`).toMatch(/^conf\//);
  const file = bundle(m, agency).get((path as string).slice("conf/".length));
  if (!file) throw new Error(`${agency}: config.toml names ${String(path)}, which the SDK bundle does not hold`);
  return file;
}

const withNodes = ["agencyA", "agencyB", "agencyC"];

describe("sdk/config.toml (Java SDK 2.x, console 2.x)", () => {
  it.each([
    ["RSA channel on a GM chain (the default)", model, ["caCert", "sslCert", "sslKey"]],
    ["GM channel", gmChannel, ["caCert", "sslCert", "sslKey", "enSslCert", "enSslKey"]],
    ["standard chain", standardChain, ["caCert", "sslCert", "sslKey"]],
  ] as const)("%s: every certificate path it names is a file of the bundle", (_name, m, keys) => {
    for (const agency of withNodes) {
      const config = configOf(m, agency);
      expect(Object.keys(config).sort()).toEqual(["account", "cryptoMaterial", "network", "threadPool"]);
      const { certPath, ...paths } = config.cryptoMaterial;
      expect(certPath).toBe("conf");
      expect(Object.keys(paths)).toEqual(keys);
      for (const key of keys) fileNamed(m, agency, paths[key]);
      const gm = m.chain.smCryptoChannel;
      expect(
        Object.values(paths).every((p) => String(p).startsWith("conf/gm/") === gm),
        `${agency}: all ${gm ? "GM" : "RSA"} files`,
      ).toBe(true);
      expect(config.account).toEqual({ keyStoreDir: "account", accountFileFormat: "pem" });
      expect(config.threadPool).toEqual({ maxBlockingQueueSize: "102400" });
    }
  });

  it("names the files as Java SDK 2.x and console 2.x expect them under certPath (their defaults)", () => {
    expect(configOf(model, "agencyA").cryptoMaterial).toEqual({ certPath: "conf", caCert: "conf/ca.crt", sslCert: "conf/sdk.crt", sslKey: "conf/sdk.key" });
    expect(configOf(gmChannel, "agencyA").cryptoMaterial).toEqual({
      certPath: "conf",
      caCert: "conf/gm/gmca.crt",
      sslCert: "conf/gm/gmsdk.crt",
      sslKey: "conf/gm/gmsdk.key",
      enSslCert: "conf/gm/gmensdk.crt",
      enSslKey: "conf/gm/gmensdk.key",
    });
  });

  it("[network] peers are the agency's own nodes' channel endpoints", () => {
    expect(configOf(model, "agencyA").network).toEqual({ peers: ["127.0.0.1:20200", "127.0.0.1:20201", "127.0.0.1:20202"] });
    expect(configOf(model, "agencyB").network).toEqual({ peers: ["127.0.0.1:20203"] });
    expect(configOf(model, "agencyC").network).toEqual({ peers: ["127.0.0.1:20204"] });
  });

  it("names the groups the agency's nodes run, and the console command for the first", () => {
    const text = (agency: string) => bundle(model, agency).get("config.toml")!.content;
    expect(text("agencyA")).toContain("groups these nodes run: 1)");
    expect(text("agencyA")).toContain("bash start.sh 1");
    expect(text("agencyA")).toContain('"127.0.0.1:20200", # node0: group 1 sealer\n');
    expect(text("agencyB")).toContain("groups these nodes run: 1, 2)");
    expect(text("agencyB")).toContain('"127.0.0.1:20203", # node3: group 1 sealer, group 2 sealer\n');
    expect(text("agencyC")).toContain("bash start.sh 2");
  });

  it("is left out for an agency without nodes (nothing it could connect to)", () => {
    expect(bundle(model, "agencyD").has("config.toml")).toBe(false);
    expect(bundle(model, "agencyD").has("sdk.crt")).toBe(true);
  });

  it("is the same file in the render tree and the SDK bundle, and pure", () => {
    const tree = renderChainTree(model, pki, chooseGroupTimestamps(model, 0), { includeCaKeys: false });
    for (const agency of withNodes) {
      const inTree = tree.find((f) => f.path === `${agency}/sdk/config.toml`);
      expect(inTree).toEqual(sdkBundleFiles(model, pki, agency).find((f) => f.path === `${agency}/sdk/config.toml`));
      expect(renderSdkConfig(structuredClone(model), agency)).toBe(inTree!.content);
    }
  });

  describe("the RSA set it names, in a TLS handshake with a node's channel certificate", () => {
    const tree = () => new Map(renderChainTree(model, pki, chooseGroupTimestamps(model, 0), { includeCaKeys: false }).map((f) => [f.path, f.content]));

    /** Node `node` of `nodeAgency` serves its channel certificate; the SDK of `sdkAgency` connects with its config's files. */
    async function handshake(nodeAgency: string, node: string, sdkAgency: string): Promise<string> {
      const files = tree();
      const at = (path: string) => files.get(path) ?? "";
      const server = tls.createServer({
        key: at(`${nodeAgency}/${node}/conf/channel_cert/node.key`),
        cert: at(`${nodeAgency}/${node}/conf/channel_cert/node.crt`),
        ca: at(`${nodeAgency}/${node}/conf/channel_cert/ca.crt`),
        requestCert: true,
        rejectUnauthorized: true,
      });
      server.on("tlsClientError", () => undefined);
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      const { port } = server.address() as { port: number };
      const material = configOf(model, sdkAgency).cryptoMaterial;
      const content = (key: string) => fileNamed(model, sdkAgency, material[key]).content;
      try {
        return await new Promise<string>((resolve) => {
          const socket = tls.connect({
            host: "127.0.0.1",
            port,
            ca: content("caCert"),
            cert: content("sslCert"),
            key: content("sslKey"),
            // FISCO channel certificates carry no host name; the Java SDK checks only the chain.
            checkServerIdentity: () => undefined,
          });
          socket.on("secureConnect", () => {
            // TLS 1.3 reports a refused client certificate after the handshake: wait for it.
            socket.once("data", () => undefined);
            setTimeout(() => {
              socket.destroy();
              resolve("connected");
            }, 200);
          });
          socket.on("error", (e) => resolve(`refused: ${e.message}`));
        });
      } finally {
        server.close();
      }
    }

    it("connects to its own agency's node", async () => {
      expect(await handshake("agencyA", "node1", "agencyA")).toBe("connected");
      expect(await handshake("agencyC", "node4", "agencyC")).toBe("connected");
    });

    it("is refused by another agency's node", async () => {
      expect(await handshake("agencyA", "node0", "agencyB")).toMatch(/^refused/);
    });
  });
});

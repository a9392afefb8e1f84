/**
 * `sdk/config.toml`: the configuration file of the FISCO BCOS Java SDK 2.x, which console 2.x
 * reads as `conf/config.toml`. Its certificate paths start with `conf/`, the folder the agency
 * copies its `sdk/` folder into (the console's `conf/`, or `conf/` under an application's working
 * directory), so the bundle connects as unpacked.
 *
 * Java SDK 2.x tries a standard (RSA/ECDSA) TLS context first and a GM one after a failed
 * handshake; `[cryptoMaterial]` names the set our chain's channel uses (chain.smCryptoChannel).
 * Transactions are signed with SM2 on a GM chain either way: the SDK takes the signature type from
 * the node's version, not from the channel. 2.x has no group setting (console: `start.sh <group>`),
 * so the groups appear as comments.
 */
import { hasRsaChannel } from "../topology/sdk-channel";
import type { Group, Model, Node } from "../topology/types";
import { modelHost, modelNode } from "./lookup";

/** Where the SDK looks for certificates, relative to its working directory. */
export const SDK_CERT_DIR = "conf";

/** `[cryptoMaterial]` keys and the `sdk/` files they name, for the standard (RSA or secp256k1) channel. */
export const STANDARD_CHANNEL_FILES = { caCert: "ca.crt", sslCert: "sdk.crt", sslKey: "sdk.key" } as const;

/** The same for the GM TLS channel (java-sdk 2.x's default names under `<certPath>/gm/`). */
export const GM_CHANNEL_FILES = {
  caCert: "gm/gmca.crt",
  sslCert: "gm/gmsdk.crt",
  sslKey: "gm/gmsdk.key",
  enSslCert: "gm/gmensdk.crt",
  enSslKey: "gm/gmensdk.key",
} as const;

export const SDK_CONFIG_FILE = "config.toml";

/** A TOML basic string; JSON's escapes are TOML's for the ASCII text we write. */
function tomlString(text: string): string {
  return JSON.stringify(text);
}

function rolesOf(node: Node, groups: readonly Group[]): string {
  const roles = groups.flatMap((g) => {
    if (g.sealers.includes(node.name)) return [`group ${g.id} sealer`];
    if (g.observers.includes(node.name)) return [`group ${g.id} observer`];
    if (g.free.includes(node.name)) return [`group ${g.id} free (not running it)`];
    return [];
  });
  return roles.length === 0 ? "no group yet" : roles.join(", ");
}

/** Groups a console can open through these nodes: those one of them seals or observes. */
function servedGroups(nodes: readonly Node[], groups: readonly Group[]): number[] {
  const names = new Set(nodes.map((n) => n.name));
  return groups.filter((g) => [...g.sealers, ...g.observers].some((n) => names.has(n))).map((g) => g.id);
}

/**
 * The file's content, or undefined for an agency without nodes: an SDK certificate is accepted
 * only by nodes of its own agency, so such an agency has nothing to connect to yet.
 */
export function renderSdkConfig(model: Model, agencyName: string): string | undefined {
  const agency = model.agencies.find((a) => a.name === agencyName);
  if (!agency) throw new Error(`agency ${agencyName} is not in the model`);
  if (agency.nodes.length === 0) return undefined;
  const nodes = agency.nodes.map((name) => modelNode(model, name));
  const groups = servedGroups(nodes, model.groups);
  const gmChannel = model.chain.smCrypto && model.chain.smCryptoChannel;
  const files: Record<string, string> = gmChannel ? GM_CHANNEL_FILES : STANDARD_CHANNEL_FILES;
  const mode = model.chain.smCrypto ? "GM (SM2/SM3)" : "standard (secp256k1)";
  const start = groups.length === 0 ? "bash start.sh (no group runs on these nodes yet)" : `bash start.sh ${groups[0]}`;

  const lines = [
    `# FISCO BCOS Java SDK 2.x and console 2.x configuration for agency ${agencyName}`,
    `# (chain ${model.chain.id}, ${mode}, FISCO BCOS ${model.chain.version}).`,
    `# Console 2.x: copy everything in this sdk/ folder into console/conf/, then ${start}`,
    `#   (groups these nodes run: ${groups.length === 0 ? "none yet" : groups.join(", ")}).`,
    `# Java SDK 2.x: copy it into conf/ under the application's working directory and build the`,
    `#   SDK from conf/${SDK_CONFIG_FILE}. Paths below are relative to that working directory.`,
    "",
    "[cryptoMaterial]",
    `certPath = ${tomlString(SDK_CERT_DIR)}`,
    gmChannel
      ? "# GM TLS channel (chain.smCryptoChannel: true): the SM2 sign and encryption pairs."
      : hasRsaChannel(model.chain)
        ? `# RSA TLS channel (chain.smCryptoChannel: false${model.chain.smCrypto ? ", also on this GM chain" : ""}): the agency's RSA SDK certificate.`
        : "# secp256k1 TLS channel (chain.rsaCryptoChannel: false): the agency's secp256k1 SDK certificate under the chain CA.",
    ...Object.entries(files).map(([key, file]) => `${key} = ${tomlString(`${SDK_CERT_DIR}/${file}`)}`),
    "",
    "[network]",
    "# Channel ports of this agency's own nodes: nodes accept an SDK certificate of their agency only.",
    "peers = [",
    // Unbracketed even for IPv6: the SDK splits host and port at the last colon.
    ...nodes.map((n) => `  ${tomlString(`${modelHost(model, n.host).address}:${n.channelPort}`)}, # ${n.name}: ${rolesOf(n, model.groups)}`),
    "]",
    "",
    "[account]",
    "# Accounts (transaction signing keys) are made and kept here, in PEM.",
    'keyStoreDir = "account"',
    'accountFileFormat = "pem"',
    "",
    "[threadPool]",
    'maxBlockingQueueSize = "102400"',
  ];
  return `${lines.join("\n")}\n`;
}

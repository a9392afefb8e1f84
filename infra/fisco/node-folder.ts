/**
 * Everything build_chain 2.11.1 puts into one node folder except the binary and runtime state:
 * config.ini, scripts, the group files of every group the node belongs to, and conf/ keys and
 * certificates (reference §1.2). Paths start with `<node>/`.
 */
import type { AgencyPki, ChainPki, NodePki } from "../crypto/types";
import { hasRsaChannel } from "../topology/sdk-channel";
import type { Group, Model } from "../topology/types";
import { renderConfigIni } from "./config-ini";
import { renderGroupGenesis, renderGroupIni } from "./genesis";
import { agencyPki, modelNode, nodePki, requireGm, requireRsa } from "./lookup";
import { assertNodeId } from "./node-id";
import { parseGenesis } from "./parse";
import { certFile, certSerialHex, pemFile } from "./pem";
import { PRIVATE_MODE, PUBLIC_MODE, type RenderedFile, underFolder } from "./rendered-file";
import { renderNodeScripts } from "./scripts";

export interface NodeFolderOptions {
  /**
   * Genesis file text per group id, written verbatim instead of rendering one. Block 0 is fixed
   * once a group exists, so after membership changes the original file must be shipped as is.
   */
  genesisOverride?: Record<number, string>;
}

const pub = (path: string, content: string): RenderedFile => ({ path, content, mode: PUBLIC_MODE });
const secret = (path: string, content: string): RenderedFile => ({ path, content, mode: PRIVATE_MODE });

function isMember(group: Group, nodeName: string): boolean {
  return [group.sealers, group.observers, group.free].some((names) => names.includes(nodeName));
}

/** The genesis timestamp: pinned in the topology, or chosen when the group was first created. */
function genesisTimestamp(group: Group, groupTimestamps: Record<number, number>): number {
  const chosen = groupTimestamps[group.id];
  if (chosen !== undefined && group.timestamp !== undefined && chosen !== group.timestamp) {
    throw new Error(`group ${group.id}: topology pins timestamp ${group.timestamp} but ${chosen} was given`);
  }
  const timestamp = chosen ?? group.timestamp;
  if (timestamp === undefined) throw new Error(`group ${group.id}: no genesis timestamp given`);
  return timestamp;
}

/** An override is shipped as is, so it must at least be a genesis the node accepts, for this group. */
function checkOverride(groupId: number, text: string): void {
  const parsed = parseGenesis(text, `genesis override for group ${groupId}`);
  if (parsed.groupId !== groupId) throw new Error(`the genesis override for group ${groupId} is for group ${parsed.groupId}`);
}

function groupFiles(model: Model, pki: ChainPki, nodeName: string, groupTimestamps: Record<number, number>, options: NodeFolderOptions): RenderedFile[] {
  return model.groups
    .filter((group) => isMember(group, nodeName))
    .flatMap((group) => {
      const override = options.genesisOverride?.[group.id];
      if (override !== undefined) checkOverride(group.id, override);
      const genesis =
        override ??
        renderGroupGenesis({
          groupId: group.id,
          params: group.genesis,
          sealerIds: group.sealers.map((name) => nodePki(pki, name).nodeId),
          timestamp: genesisTimestamp(group, groupTimestamps),
          version: model.chain.version,
        });
      return [pub(`conf/group.${group.id}.genesis`, genesis), pub(`conf/group.${group.id}.ini`, renderGroupIni())];
    });
}

/**
 * The RSA channel set, the same in GM and non-GM mode; none without the RSA channel (the node then
 * serves SDKs with its secp256k1 set: conf/node.*, or conf/origin_cert/ on a GM chain).
 */
function channelCertFiles(model: Model, node: NodePki, agency: AgencyPki): RenderedFile[] {
  if (!hasRsaChannel(model.chain)) return [];
  const channel = requireRsa(node.channel, `node ${node.name}'s RSA channel credential`);
  const channelCa = requireRsa(agency.channelCa, `agency ${agency.name}'s RSA channel CA`);
  // build_chain also copies cert.cnf here; the node never reads it, so it is left out.
  return [
    pub("conf/channel_cert/ca.crt", pemFile(channelCa.certPem)),
    pub("conf/channel_cert/node.crt", certFile(channel)),
    secret("conf/channel_cert/node.key", pemFile(channel.key.privateKeyPem)),
  ];
}

/** The node ID must be the one its P2P key yields, or peers would see a different identity. */
function checkNodeId(node: NodePki, publicKeyHex: string | undefined): void {
  assertNodeId(node.nodeId, `node ${node.name}'s nodeId`);
  if (publicKeyHex !== undefined && publicKeyHex !== node.nodeId) {
    throw new Error(`node ${node.name}: nodeId does not match the public key of its P2P signing key`);
  }
}

function keyFiles(model: Model, pki: ChainPki, nodeName: string): RenderedFile[] {
  const node = nodePki(pki, nodeName);
  const agency = agencyPki(pki, modelNode(model, nodeName).agency);
  const root = pki.authority;
  const channel = channelCertFiles(model, node, agency);

  if (!model.chain.smCrypto) {
    checkNodeId(node, node.std.key.publicKeyHex);
    return [
      pub("conf/ca.crt", pemFile(root.std.certPem)),
      secret("conf/node.key", pemFile(node.std.key.privateKeyPem)),
      pub("conf/node.crt", certFile(node.std, agency.std.certPem, root.std.certPem)),
      pub("conf/node.nodeid", `${node.nodeId}\n`),
      ...channel,
    ];
  }

  const gmRoot = requireGm(root.gm, "the GM chain CA");
  const gmAgency = requireGm(agency.gm, `agency ${agency.name}'s GM certificate`);
  const sign = requireGm(node.gmSign, `node ${nodeName}'s SM2 signing credential`);
  const enc = requireGm(node.gmEnc, `node ${nodeName}'s SM2 encryption credential`);
  checkNodeId(node, sign.key.publicKeyHex);
  return [
    pub("conf/gmca.crt", pemFile(gmRoot.certPem)),
    secret("conf/gmnode.key", pemFile(sign.key.privateKeyPem)),
    pub("conf/gmnode.crt", certFile(sign, gmAgency.certPem, gmRoot.certPem)),
    secret("conf/gmennode.key", pemFile(enc.key.privateKeyPem)),
    pub("conf/gmennode.crt", certFile(enc)),
    pub("conf/gmnode.nodeid", `${node.nodeId}\n`),
    pub("conf/gmnode.serial", `${certSerialHex(sign.certPem)}\n`),
    // The secp256k1 set build_chain moves aside in GM mode; the channel falls back to it when
    // neither the GM nor the RSA channel is enabled.
    pub("conf/origin_cert/ca.crt", pemFile(root.std.certPem)),
    pub("conf/origin_cert/node.crt", certFile(node.std, agency.std.certPem, root.std.certPem)),
    secret("conf/origin_cert/node.key", pemFile(node.std.key.privateKeyPem)),
    ...channel,
  ];
}

export function renderNodeFolder(
  model: Model,
  pki: ChainPki,
  nodeName: string,
  groupTimestamps: Record<number, number>,
  options: NodeFolderOptions = {},
): RenderedFile[] {
  return underFolder(nodeName, [
    pub("config.ini", renderConfigIni(model, nodeName)),
    ...renderNodeScripts(),
    ...groupFiles(model, pki, nodeName, groupTimestamps, options),
    ...keyFiles(model, pki, nodeName),
  ]);
}

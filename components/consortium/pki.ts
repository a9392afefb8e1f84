/**
 * The consortium's keys and certificates: the chain CA, each agency under it, each node under its
 * agency. A committee needs only the first, an agency only its own part: each is made by its own
 * function.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChainPki } from "../../infra/crypto/types";
import { hasRsaChannel, sdkChannelOf } from "../../infra/topology/sdk-channel";
import type { Model } from "../../infra/topology/types";
import { readRenewBeforeDays } from "../../infra/topology/validate-settings";
import type { Adoption } from "../adoption";
import { Agency } from "../agency";
import { ChainAuthority } from "../chain-authority";
import { plainCredential, type CredentialOutputs, type Validity } from "../credential";
import { Node } from "../node";

export interface Pki {
  authority: ChainAuthority;
  agencies: Record<string, Agency>;
  nodes: Record<string, Node>;
}

/** Certificate lifetime from the topology, renewal window from `bcos:renewBeforeDays` (default 30). */
export function validityOf(model: Model, renewBeforeDays: number | undefined): Validity {
  return { validityDays: model.chain.certValidityDays, renewBeforeDays: readRenewBeforeDays(renewBeforeDays, model.chain.certValidityDays) };
}

/** The chain CAs, parented to the consortium. */
export function createChainAuthority(model: Model, validity: Validity, adoption: Adoption | undefined, parent: pulumi.Resource): ChainAuthority {
  return new ChainAuthority("chain", { smCrypto: model.chain.smCrypto, validity, adopt: adoption?.chain }, { parent });
}

/** The named agencies (their CAs signed by `authority`), parented to the consortium. */
export function createAgencies(
  model: Model,
  names: readonly string[],
  authority: ChainAuthority,
  validity: Validity,
  adoption: Adoption | undefined,
  parent: pulumi.Resource,
): Record<string, Agency> {
  const { smCrypto } = model.chain;
  const channel = { rsaChannel: hasRsaChannel(model.chain), sdkChannel: sdkChannelOf(model.chain) };
  return Object.fromEntries(
    names.map((name) => [name, new Agency(name, { authority, smCrypto, ...channel, validity, adopt: adoption?.agencies[name] }, { parent })]),
  );
}

/** Every node of the topology whose agency is in `agencies`, each parented to its agency. */
export function createNodes(model: Model, agencies: Record<string, Agency>, validity: Validity, adoption: Adoption | undefined): Record<string, Node> {
  const nodes: Record<string, Node> = {};
  for (const node of model.nodes.filter((n) => agencies[n.agency])) {
    const host = model.hosts.find((h) => h.name === node.host);
    if (!host) throw new Error(`node ${node.name}: unknown host ${node.host}`);
    const agency = agencies[node.agency];
    nodes[node.name] = new Node(
      node.name,
      {
        agency,
        smCrypto: model.chain.smCrypto,
        host: host.name,
        address: host.address,
        p2pPort: node.p2pPort,
        channelPort: node.channelPort,
        rpcPort: node.rpcPort,
        validity,
        adopt: adoption?.nodes[node.name],
      },
      { parent: agency },
    );
  }
  return nodes;
}

/** The whole consortium's PKI (one stack holding every key). */
export function createPki(model: Model, validity: Validity, adoption: Adoption | undefined, parent: pulumi.Resource): Pki {
  const authority = createChainAuthority(model, validity, adoption, parent);
  const names = model.agencies.map((a) => a.name);
  const agencies = createAgencies(model, names, authority, validity, adoption, parent);
  return { authority, agencies, nodes: createNodes(model, agencies, validity, adoption) };
}

/** Node name → node ID. */
export const nodeIdsOf = (nodes: Record<string, Node>): Record<string, pulumi.Output<string>> =>
  Object.fromEntries(Object.entries(nodes).map(([name, n]) => [name, n.nodeId]));

const optionalCredential = (c: CredentialOutputs | undefined) => (c ? plainCredential(c) : undefined);

/**
 * The chain CAs, one agency and the named nodes as the plain structure the renderers take (a
 * secret). Narrow on purpose: a package depends only on what it is rendered from.
 */
export function chainPki(pki: Pki, agencyName: string, nodeNames: readonly string[]): pulumi.Output<ChainPki> {
  const { authority } = pki;
  return pulumi.output({
    authority: { std: plainCredential(authority.std), gm: optionalCredential(authority.gm) },
    agencies: Object.entries(pki.agencies)
      .filter(([name]) => name === agencyName)
      .map(([name, a]) => ({
        name,
        std: plainCredential(a.std),
        gm: optionalCredential(a.gm),
        // The RSA parts exist with the RSA channel only, the secp256k1 SDK set without it.
        ...(a.channelCa ? { channelCa: plainCredential(a.channelCa) } : {}),
        sdk: {
          ...(a.sdkChannel ? { channel: plainCredential(a.sdkChannel) } : {}),
          ...(a.sdkStd ? { std: plainCredential(a.sdkStd) } : {}),
          gmSign: optionalCredential(a.sdkGmSign),
          gmEnc: optionalCredential(a.sdkGmEnc),
        },
      })),
    nodes: Object.entries(pki.nodes)
      .filter(([name]) => nodeNames.includes(name))
      .map(([name, n]) => ({
        name,
        std: plainCredential(n.std),
        gmSign: optionalCredential(n.gmSign),
        gmEnc: optionalCredential(n.gmEnc),
        ...(n.channel ? { channel: plainCredential(n.channel) } : {}),
        nodeId: n.nodeId,
      })),
  }) as pulumi.Output<ChainPki>;
}

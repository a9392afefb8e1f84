/**
 * `bcos:party: <agency>`: the stack that holds only that agency's keys. It reads the committee's
 * bundle (pinning its chain CA keys) and the other agencies', refuses before anything is
 * registered a copy of the topology that differs from the committee's approved plan in what the
 * consortium shares, and makes what it can: its agency keys and requests, its nodes' keys (their
 * IDs are what the committee needs for genesis), and once the committee certified it, its nodes'
 * certificates, SDK credentials and, with the genesis of its groups, its handover package. Its
 * bundle carries its requests, certificates, node IDs and p2p endpoints. With chain.install in its
 * copy it installs its own nodes once their package can be made (party-agency-install.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { AgencyPki, ChainPki, Credential, NodePki } from "../infra/crypto/types";
import type { BundleGenesis, PartyBundle } from "../infra/exchange/bundle";
import { anchorsOf } from "../infra/exchange/exchange";
import { agencyBundleContent, approvedPlanOf, issuedCertificateName, type AgencyCertificatePems } from "../infra/party/party-bundles";
import { assertApprovedPlan } from "../infra/party/approved-plan";
import { assertCommitteeBundleKept } from "../infra/party/missing-bundles";
import type { ExchangeSetting } from "../infra/party/settings";
import { agencyWaits, type WaitingFor } from "../infra/party/waiting";
import { KeyPair } from "../infra/providers/key-pair";
import { PackageFile } from "../infra/providers/package-file";
import type { Model } from "../infra/topology/types";
import { agencyPackageFiles } from "./agency-package";
import { credential, plainCredential, type CredentialOutputs, type Validity } from "./credential";
import { anchoredTo, BUNDLE_OUTPUT, openExchange, pinCommittee, readParties, reportWaiting } from "./exchange";
import { Group } from "./group";
import { agencyRequests, certificatesFromCommittee, type AgencyRequests } from "./party-agency";
import { createAgencyInstall, type AgencyInstallArgs } from "./party-agency-install";

export interface AgencyPartyArgs {
  /** This agency's validated copy of the topology (checked against the committee's approved plan). */
  model: Model;
  agency: string;
  exchange: ExchangeSetting;
  validity: Validity;
  /** Folder for the handover package (`bcos:outputDir`). */
  outputDir: string;
  /** Where the waiting line goes; default pulumi.log.info. */
  log?: (line: string) => void;
  /** With chain.install: `bcos:healthTimeoutSeconds` (default 60). */
  healthTimeoutSeconds?: number;
  /** With chain.install: `bcos:movedNodes`, its own nodes moved by hand. */
  movedNodes?: string[];
}

export interface AgencyPartyOutputs {
  party: string;
  /** The signed bundle text (read by a `{ stacks }` exchange; public). */
  [BUNDLE_OUTPUT]: pulumi.Output<string>;
  /** Per party, what this agency still waits for from it; `{}` when converged. */
  waitingFor: pulumi.Output<WaitingFor>;
  /** Its nodes' IDs by name. */
  nodeIds: pulumi.Output<Record<string, string>>;
  /** The handover package path, once made. */
  package?: string;
}

export class AgencyParty extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:AgencyParty", name, {}, opts);
  }
}

/** One node's keys: made on the first run, before any certificate (the committee needs the ID). */
interface NodeKeys {
  std: KeyPair;
  gmSign?: KeyPair;
  gmEnc?: KeyPair;
  /** 128 hex: the GM signing key's point on a GM chain, the standard key's otherwise. */
  nodeId: pulumi.Output<string>;
}

export async function createAgencyParty(args: AgencyPartyArgs): Promise<AgencyPartyOutputs> {
  const { model: copy, agency, validity } = args;
  const exchange = openExchange(args.exchange);
  const others = copy.agencies.map((a) => a.name).filter((a) => a !== agency);
  // Read and checked before the first resource: an unapproved change changes nothing.
  const read = await readParties(exchange.source, ["committee", ...others], copy);
  if (!read.committee) await assertCommitteeBundleKept(exchange.source, args.exchange, agency, copy);
  const approved = read.committee ? approvedPlanOf(read.committee.bundle, read.committee.published.source) : undefined;
  if (approved) assertApprovedPlan(approved, copy, agency);
  // Until the committee published, the agency's own copy names its nodes (keys and IDs only).
  const plan = approved ?? copy;
  const smCrypto = plan.chain.smCrypto;

  const parent = new AgencyParty(agency);
  const pinned = read.committee ? pinCommittee(read.committee, { parent }) : undefined;
  const committee: pulumi.Output<PartyBundle | undefined> = pinned ? pinned.bundle : pulumi.output(undefined);
  const anchors = committee.apply((c) => (c ? anchorsOf(c) : undefined));
  const otherBundles = pulumi.all(Object.fromEntries(others.filter((o) => read[o]).map((o) => [o, anchors.apply((a) => anchoredTo(read[o], plan, a ?? {}))])));

  const requests = agencyRequests(agency, smCrypto, parent);
  const own = plan.nodes.filter((n) => n.agency === agency);
  const nodeKeys = Object.fromEntries(own.map((n) => [n.name, createNodeKeys(n.name, smCrypto, parent)]));
  const nodeIds = pulumi.all(Object.fromEntries(own.map((n) => [n.name, nodeKeys[n.name].nodeId])));
  const certificates = certificatesFromCommittee(committee, agency, requests.keys);

  // Certificates under the agency key only once the committee's bundle carries every agency
  // certificate the chain needs (known at program time, so the plan of resources is stable).
  const kinds = smCrypto ? (["gm", "std"] as const) : (["std"] as const);
  const certified = read.committee !== undefined && kinds.every((k) => read.committee!.bundle.certificates[issuedCertificateName(agency, k)]);
  let packagePath: string | undefined;
  let ready: AgencyInstallArgs["ready"];
  const heldSecrets = [
    requests.keys.std,
    ...(requests.keys.gm ? [requests.keys.gm] : []),
    ...Object.values(nodeKeys).flatMap((k) => [k.std, ...(k.gmSign ? [k.gmSign] : []), ...(k.gmEnc ? [k.gmEnc] : [])]),
  ].map((k) => k.privateKeyPem);
  if (certified && approved) {
    const pki = certifiedPki(agency, smCrypto, requests, certificates, nodeKeys, validity, parent);
    heldSecrets.push(...pki.secrets);
    // Genesis as the committee froze it, for every group of the agency's nodes: the package waits for all of them.
    const committeeGenesis = read.committee!.bundle.genesis;
    const groupsOfOwn = approved.groups.filter((g) => [...g.sealers, ...g.observers, ...g.free].some((n) => nodeKeys[n]));
    const frozen = groupsOfOwn.map((g) => committeeGenesis.find((x) => x.groupId === g.id));
    if (frozen.every((g) => g)) {
      const genesis = frozenGenesisOf(approved, frozen as BundleGenesis[], committee, parent);
      const chainPkiOf = pulumi.all([committee, pki.plain]).apply(([c, plain]): ChainPki => ({ ...plain, authority: authorityOf(c!) }));
      const files = pulumi.all([chainPkiOf, genesis]).apply(([p, g]) => agencyPackageFiles(approved, p, agency, g));
      packagePath = `${args.outputDir}/${agency}.tar.gz`;
      new PackageFile(`${agency}-package`, { path: packagePath, files }, { parent });
      ready = { pki: chainPkiOf, genesis };
    }
  }
  createAgencyInstall({
    agency,
    copy,
    ready,
    nodeIds: Object.fromEntries(Object.entries(nodeKeys).map(([n, k]) => [n, k.nodeId])),
    healthTimeoutSeconds: args.healthTimeoutSeconds,
    movedNodes: args.movedNodes,
    parent,
  });

  const content = pulumi
    .all([pulumi.all(requests.csrs), certificates, nodeIds])
    .apply(([csrs, certs, ids]) => agencyBundleContent({ plan, agency, csrs, certificates: certs, nodeIds: ids }));
  const bundle = exchange.publish(agency, { content, signingKeyPem: requests.signingKeyPem, heldSecrets }, { parent });
  const waits = pulumi.all([committee, otherBundles]).apply(([c, o]) => agencyWaits(plan, agency, c, o));
  return {
    party: agency,
    [BUNDLE_OUTPUT]: bundle.text,
    waitingFor: reportWaiting(agency, waits, args.log),
    nodeIds,
    ...(packagePath ? { package: packagePath } : {}),
  };
}

/** Named as the single stack's node keys (`node5-node-key`, `node5-gmnode-key`, `node5-gmennode-key`). */
function createNodeKeys(node: string, smCrypto: boolean, parent: pulumi.Resource): NodeKeys {
  const std = new KeyPair(`${node}-node-key`, { algorithm: "secp256k1" }, { parent });
  if (!smCrypto) return { std, nodeId: std.publicKeyHex };
  const gmSign = new KeyPair(`${node}-gmnode-key`, { algorithm: "sm2" }, { parent });
  const gmEnc = new KeyPair(`${node}-gmennode-key`, { algorithm: "sm2" }, { parent });
  return { std, gmSign, gmEnc, nodeId: gmSign.publicKeyHex };
}

/** A credential on `key` whose certificate came from elsewhere (the committee's bundle). */
function issuedCredential(key: KeyPair, algorithm: Credential["key"]["algorithm"], certPem: pulumi.Output<string>): CredentialOutputs {
  return {
    algorithm,
    privateKeyPem: pulumi.secret(key.privateKeyPem),
    publicKeyPem: key.publicKeyPem,
    publicKeyHex: key.publicKeyHex,
    certPem,
    notAfter: pulumi.output(""),
  };
}

interface CertifiedPki {
  /** The private keys made here (channel CA, channel node key, SDK keys): kept out of the bundle too. */
  secrets: pulumi.Output<string>[];
  /** The agency and its nodes as the renderers take them (the authority is filled in from the committee's bundle). */
  plain: pulumi.Output<Omit<ChainPki, "authority">>;
}

/**
 * The agency's certificates under its committee-issued agency CAs, named as the single stack's
 * (`<agency>-channel-ca`, `<agency>-sdk`, `<node>-gmnode-cert`, …).
 */
function certifiedPki(
  agency: string,
  smCrypto: boolean,
  requests: AgencyRequests,
  certificates: pulumi.Output<AgencyCertificatePems>,
  nodeKeys: Record<string, NodeKeys>,
  validity: Validity,
  parent: pulumi.Resource,
): CertifiedPki {
  const issuedPem = (kind: "gm" | "std") =>
    certificates.apply((c) => {
      const pem = c[kind];
      if (!pem)
        throw new Error(
          `${agency}: the committee's ${kind === "gm" ? "GM " : ""}agency certificate is not on ${agency}'s current key; fix: ask the committee to run pulumi up again`,
        );
      return pem;
    });
  const std = issuedCredential(requests.keys.std, "secp256k1", issuedPem("std"));
  const gm = smCrypto ? issuedCredential(requests.keys.gm!, "sm2", issuedPem("gm")) : undefined;
  const channelCa = credential(`${agency}-channel-ca`, { algorithm: "rsa2048", profile: "channelCa", subjectName: agency, validity }, parent);
  const channelNodeKey = new KeyPair(`${agency}-channel-node-key`, { algorithm: "rsa2048" }, { parent });
  const sdkChannel = credential(`${agency}-sdk`, { algorithm: "rsa2048", profile: "channelSdk", issuer: channelCa, validity }, parent);
  const sdkGmSign = gm && credential(`${agency}-gmsdk`, { algorithm: "sm2", profile: "gmSdk", issuer: gm, validity }, parent);
  const sdkGmEnc = gm && credential(`${agency}-gmensdk`, { algorithm: "sm2", profile: "gmEnSdk", issuer: gm, validity }, parent);

  const nodes = Object.entries(nodeKeys).map(([name, keys]) => {
    const nodeStd = credential(`${name}-node`, { algorithm: "secp256k1", profile: "node", subjectName: name, issuer: std, key: keys.std, validity }, parent);
    const gmSign =
      gm && credential(`${name}-gmnode`, { algorithm: "sm2", profile: "gmNode", subjectName: name, issuer: gm, key: keys.gmSign, validity }, parent);
    const gmEnc =
      gm && credential(`${name}-gmennode`, { algorithm: "sm2", profile: "gmEnNode", subjectName: name, issuer: gm, key: keys.gmEnc, validity }, parent);
    const channel = credential(`${name}-channel`, { algorithm: "rsa2048", profile: "channelNode", issuer: channelCa, key: channelNodeKey, validity }, parent);
    const optional = (c: CredentialOutputs | undefined) => (c ? plainCredential(c) : pulumi.output(undefined));
    return pulumi
      .all([plainCredential(nodeStd), optional(gmSign), optional(gmEnc), plainCredential(channel), keys.nodeId])
      .apply(
        ([s, sign, enc, ch, nodeId]): NodePki => ({ name, std: s, ...(sign ? { gmSign: sign } : {}), ...(enc ? { gmEnc: enc } : {}), channel: ch, nodeId }),
      );
  });
  const optional = (c: CredentialOutputs | undefined) => (c ? plainCredential(c) : pulumi.output(undefined));
  const agencyPki = pulumi
    .all([plainCredential(std), optional(gm), plainCredential(channelCa), plainCredential(sdkChannel), optional(sdkGmSign), optional(sdkGmEnc)])
    .apply(
      ([s, g, ca, sdk, sign, enc]): AgencyPki => ({
        name: agency,
        std: s,
        ...(g ? { gm: g } : {}),
        channelCa: ca,
        sdk: { channel: sdk, ...(sign ? { gmSign: sign } : {}), ...(enc ? { gmEnc: enc } : {}) },
      }),
    );
  const plain = pulumi.secret(pulumi.all([agencyPki, pulumi.all(nodes)]).apply(([a, n]) => ({ agencies: [a], nodes: n })));
  const secrets = [channelCa, sdkChannel, ...(sdkGmSign ? [sdkGmSign] : []), ...(sdkGmEnc ? [sdkGmEnc] : [])].map((c) => c.privateKeyPem);
  return { secrets: [...secrets, channelNodeKey.privateKeyPem], plain };
}

/** The chain CA certificates as renderer credentials: certificates only, this stack holds no CA key. */
function authorityOf(committee: PartyBundle): ChainPki["authority"] {
  const anchors = anchorsOf(committee);
  const certOnly = (certPem: string, algorithm: Credential["key"]["algorithm"]): Credential => ({
    key: { algorithm, privateKeyPem: "", publicKeyPem: "" },
    certPem,
  });
  return { std: certOnly(anchors.std!, "secp256k1"), ...(anchors.gm ? { gm: certOnly(anchors.gm, "sm2") } : {}) };
}

/**
 * Each group's genesis text, rendered by a Group (GroupGenesis) from the committee's frozen
 * sealer IDs and timestamp: the same inputs give the committee's bytes.
 */
function frozenGenesisOf(
  plan: Model,
  frozen: BundleGenesis[],
  committee: pulumi.Output<PartyBundle | undefined>,
  parent: pulumi.Resource,
): pulumi.Output<Record<number, string>> {
  const texts = frozen.map((f) => {
    const group = plan.groups.find((g) => g.id === f.groupId)!;
    // Taken through the pinned bundle, so a committee that is not the pinned one stops here.
    const pinned = committee.apply((c) => c!.genesis.find((g) => g.groupId === f.groupId)!);
    const made = new Group(
      `group-${f.groupId}`,
      {
        groupId: f.groupId,
        params: group.genesis,
        sealerIds: f.sealerIds.map((_, i) => pinned.apply((g) => g.sealerIds[i])),
        timestamp: f.timestamp,
        version: plan.chain.version,
      },
      { parent },
    );
    return made.genesis.apply((text): [number, string] => [f.groupId, text]);
  });
  return pulumi.all(texts).apply((entries) => Object.fromEntries(entries));
}

/**
 * All keys and certificates of a chain in one call, laid out as build_chain.sh v2.11.1 would
 * make them (reference §1, §4). The per-credential functions below are exported for callers
 * that create material one piece at a time.
 */
import { hasRsaChannel, sdkChannelOf } from "../topology/sdk-channel";
import type { Model } from "../topology/types";
import type { AgencyPki, ChainAuthorityPki, ChainPki, Credential, KeyPair, NodePki } from "./types";
import { LoadedIssuer, issueCertificate, loadIssuer, selfSignCertificate } from "./certificate";
import { EcCurve, generateEcKeyPair, generateRsaKeyPair } from "./keys";
import { PROFILES, ProfileName } from "./profiles";

export interface CertValidity {
  validityDays: number;
  notBefore?: Date;
}

export interface ChainPkiOptions {
  /** An imported chain CA (see ./ca-import); generated when absent. */
  ca?: ChainAuthorityPki;
  /** notBefore of every certificate; default now. */
  now?: Date;
}

/** A fresh self-signed root for `profile` (chainCa, gmChainCa, channelCa) on `key`. */
export function selfSignedCredential(profile: ProfileName, key: KeyPair, validity: CertValidity, subjectName?: string): Credential {
  return { key, certPem: selfSignCertificate({ profile, subjectName, privateKeyPem: key.privateKeyPem, ...validity }) };
}

/** A CA credential decoded once for signing many certificates. */
export function issuerOf(ca: Credential): LoadedIssuer {
  return loadIssuer({ certPem: ca.certPem, privateKeyPem: ca.key.privateKeyPem });
}

/** A certificate for `key` under `issuer` (decode a CA used many times with issuerOf once). */
export function issuedCredential(
  profile: ProfileName,
  key: KeyPair,
  issuer: Credential | LoadedIssuer,
  validity: CertValidity,
  subjectName?: string,
): Credential {
  const loaded = "certificate" in issuer ? issuer : { certPem: issuer.certPem, privateKeyPem: issuer.key.privateKeyPem };
  const certPem = issueCertificate({ profile, subjectName, subjectPublicKeyPem: key.publicKeyPem, issuer: loaded, ...validity });
  return { key, certPem };
}

/** A new EC key of the profile's curve, certified by `issuer`. */
export function newEcCredential(profile: ProfileName, issuer: Credential | LoadedIssuer, validity: CertValidity, subjectName?: string): Credential {
  const key = generateEcKeyPair(PROFILES[profile].keyAlgorithm as EcCurve);
  return issuedCredential(profile, key, issuer, validity, subjectName);
}

export function createChainAuthority(smCrypto: boolean, validity: CertValidity): ChainAuthorityPki {
  return {
    std: selfSignedCredential("chainCa", generateEcKeyPair("secp256k1"), validity),
    gm: smCrypto ? selfSignedCredential("gmChainCa", generateEcKeyPair("sm2"), validity) : undefined,
  };
}

/**
 * RSA keys: three per agency (channel CA, one channel key shared by the agency's nodes, SDK).
 * build_chain gives every node channel cert the same subject under the agency's channel CA and the
 * SDK accepts any of them, so a key per node would add no identity while RSA keygen costs ~0.2 s.
 * Each node still gets its own channel certificate. None without the RSA channel.
 */
interface AgencyRsaKeys {
  channelCa: KeyPair;
  nodeChannel: KeyPair;
  sdk: KeyPair;
}

export async function buildChainPki(model: Model, options: ChainPkiOptions = {}): Promise<ChainPki> {
  const { smCrypto, certValidityDays } = model.chain;
  const validity: CertValidity = { validityDays: certValidityDays, notBefore: options.now ?? new Date() };
  // RSA material exists only with the RSA channel; with sm_crypto_channel it is still made when
  // rsa_crypto_channel is true (build_chain does, and existing stacks hold it).
  const rsaChannel = hasRsaChannel(model.chain);
  const stdSdk = sdkChannelOf(model.chain) === "std";

  // Started first: RSA generation runs on the libuv pool while the EC work below uses this thread.
  const rsaKeys: Promise<AgencyRsaKeys | undefined>[] = model.agencies.map(async () => {
    if (!rsaChannel) return undefined;
    const [channelCa, nodeChannel, sdk] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()]);
    return { channelCa, nodeChannel, sdk };
  });
  // Settle every promise even if EC work throws below, so no rejection goes unhandled.
  const rsaSettled = Promise.allSettled(rsaKeys);

  let authority: ChainAuthorityPki;
  const ecAgencies: Omit<AgencyPki, "channelCa" | "sdk">[] = [];
  const ecSdk: { gmSign?: Credential; gmEnc?: Credential; std?: Credential }[] = [];
  const ecNodes = new Map<string, Omit<NodePki, "channel" | "nodeId">>();
  try {
    authority = options.ca ?? createChainAuthority(smCrypto, validity);
    if (smCrypto && !authority.gm) throw new Error("the chain uses SM crypto but the imported chain CA has no GM part (gmca.crt/gmca.key)");
    const stdRoot = issuerOf(authority.std);
    // An imported CA may carry a GM part on a non-GM chain: it is then left unused.
    const gmRoot = smCrypto && authority.gm ? issuerOf(authority.gm) : undefined;
    for (const agency of model.agencies) {
      const std = newEcCredential("agencyCa", stdRoot, validity, agency.name);
      const gm = gmRoot && newEcCredential("gmAgencyCa", gmRoot, validity, agency.name);
      ecAgencies.push({ name: agency.name, std, gm });
      const stdIssuer = issuerOf(std);
      const gmIssuer = gm && issuerOf(gm);
      ecSdk.push({
        ...(gmIssuer ? { gmSign: newEcCredential("gmSdk", gmIssuer, validity), gmEnc: newEcCredential("gmEnSdk", gmIssuer, validity) } : {}),
        ...(stdSdk ? { std: newEcCredential("sdk", stdIssuer, validity) } : {}),
      });
      for (const node of agency.nodes) {
        ecNodes.set(node, {
          name: node,
          std: newEcCredential("node", stdIssuer, validity, node),
          gmSign: gmIssuer && newEcCredential("gmNode", gmIssuer, validity, node),
          gmEnc: gmIssuer && newEcCredential("gmEnNode", gmIssuer, validity, node),
        });
      }
    }
  } finally {
    await rsaSettled;
  }

  const agencies: AgencyPki[] = [];
  const channelCerts = new Map<string, Credential>();
  for (const [i, agency] of model.agencies.entries()) {
    const rsa = await rsaKeys[i];
    if (!rsa) {
      agencies.push({ ...ecAgencies[i], sdk: ecSdk[i] });
      continue;
    }
    const channelCa = selfSignedCredential("channelCa", rsa.channelCa, validity, agency.name);
    const channelIssuer = issuerOf(channelCa);
    const sdkChannel = issuedCredential("channelSdk", rsa.sdk, channelIssuer, validity);
    agencies.push({ ...ecAgencies[i], channelCa, sdk: { channel: sdkChannel, ...ecSdk[i] } });
    for (const node of agency.nodes) channelCerts.set(node, issuedCredential("channelNode", rsa.nodeChannel, channelIssuer, validity));
  }

  const nodes: NodePki[] = model.nodes.map((node) => {
    const ec = ecNodes.get(node.name);
    if (!ec) throw new Error(`node ${node.name} is not listed under its agency ${node.agency}`);
    const channel = channelCerts.get(node.name);
    // GM nodes are identified by their SM2 signing key, others by the secp256k1 key.
    const nodeId = (ec.gmSign ?? ec.std).key.publicKeyHex!;
    return { ...ec, ...(channel ? { channel } : {}), nodeId };
  });

  return { authority, agencies, nodes };
}

/**
 * The chain's PKI read back from what the mocked run registered, by resource name, independently
 * of how Consortium assembles it: the keys a KeyPair created and the certificates a Certificate
 * issued.
 */
import type { ChainPki, Credential, KeyPair } from "../../infra/crypto/types";
import type { Model } from "../../infra/topology/types";
import { type Registration, byName } from "./mock-run";

export function pkiFromState(model: Model, registrations: Registration[]): ChainPki {
  const key = (name: string): KeyPair => {
    const outs = byName(registrations, name).outputs as unknown as KeyPair;
    return { algorithm: outs.algorithm, privateKeyPem: outs.privateKeyPem, publicKeyPem: outs.publicKeyPem, publicKeyHex: outs.publicKeyHex || undefined };
  };
  const certPem = (name: string) => byName(registrations, name).outputs.certPem as string;
  const credential = (name: string): Credential => ({ key: key(`${name}-key`), certPem: certPem(`${name}-cert`) });

  return {
    authority: { std: credential("chain-ca"), gm: credential("chain-gmca") },
    agencies: model.agencies.map(({ name }) => ({
      name,
      std: credential(`${name}-agency`),
      gm: credential(`${name}-gmagency`),
      channelCa: credential(`${name}-channel-ca`),
      sdk: { channel: credential(`${name}-sdk`), gmSign: credential(`${name}-gmsdk`), gmEnc: credential(`${name}-gmensdk`) },
    })),
    nodes: model.nodes.map(({ name, agency }) => ({
      name,
      std: credential(`${name}-node`),
      gmSign: credential(`${name}-gmnode`),
      gmEnc: credential(`${name}-gmennode`),
      channel: { key: key(`${agency}-channel-node-key`), certPem: certPem(`${name}-channel-cert`) },
      nodeId: key(`${name}-gmnode-key`).publicKeyHex!,
    })),
  };
}

import * as pulumi from "@pulumi/pulumi";
import { p2pEndpoint } from "../infra/fisco/config-ini";
import { Certificate } from "../infra/providers/certificate";
import type { KeyPair } from "../infra/providers/key-pair";
import type { Agency } from "./agency";
import type { Adoption } from "./adoption";
import { credential, type CredentialOutputs, type Validity } from "./credential";

export interface NodeArgs {
  /** The agency that owns the node and signs its certificates. */
  agency: Agency;
  /** GM chain: the node's identity is an SM2 signing key (+ an SM2 encryption pair). */
  smCrypto: boolean;
  /** Name of the host the node runs on (topology `hosts` key). */
  host: string;
  /** Address other nodes use to reach the host. */
  address: string;
  /** P2P listen port. */
  p2pPort: number;
  /** SDK channel listen port. */
  channelPort: number;
  /** JSON-RPC listen port. */
  rpcPort: number;
  /** Certificate lifetime and renewal window. */
  validity: Validity;
  /** The imported node's keys and certificates to adopt: its node ID stays. */
  adopt?: Adoption["nodes"][string];
}

/**
 * One FISCO BCOS node's identity: its keys and certificates, and with them its node ID. The keys
 * are made once; a certificate change (renewal, renamed subject) keeps the node ID.
 * The component's name is the node name.
 */
export class Node extends pulumi.ComponentResource {
  /** The node ID: 128 hex of the signing key's public point (SM2 on a GM chain). */
  readonly nodeId: pulumi.Output<string>;
  readonly host: pulumi.Output<string>;
  /** `<address>:<p2pPort>`, the entry other nodes list under [p2p]. */
  readonly p2pEndpoint: pulumi.Output<string>;
  readonly p2pPort: pulumi.Output<number>;
  readonly channelPort: pulumi.Output<number>;
  readonly rpcPort: pulumi.Output<number>;
  /** The certificate peers see (gmnode.crt leaf on a GM chain, node.crt otherwise). */
  readonly certPem: pulumi.Output<string>;
  readonly gmSign?: CredentialOutputs;
  readonly gmEnc?: CredentialOutputs;
  /** secp256k1: node.key/.crt on a non-GM chain, origin_cert/ on a GM chain. */
  readonly std: CredentialOutputs;
  /** RSA channel TLS server credential (key shared within the agency); none without the RSA channel. */
  readonly channel?: CredentialOutputs;

  constructor(name: string, args: NodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:Node", name, {}, opts);
    const { agency, validity } = args;
    const adopt = args.adopt ?? {};
    this.std = credential(`${name}-node`, { algorithm: "secp256k1", profile: "node", subjectName: name, issuer: agency.std, validity, adopt: adopt.std }, this);
    if (args.smCrypto) {
      if (!agency.gm) throw new Error(`node ${name}: a GM chain needs the agency's GM CA`);
      this.gmSign = credential(
        `${name}-gmnode`,
        { algorithm: "sm2", profile: "gmNode", subjectName: name, issuer: agency.gm, validity, adopt: adopt.gmSign },
        this,
      );
      this.gmEnc = credential(
        `${name}-gmennode`,
        { algorithm: "sm2", profile: "gmEnNode", subjectName: name, issuer: agency.gm, validity, adopt: adopt.gmEnc },
        this,
      );
    }
    // Without the RSA channel the agency has no channel CA: the node serves SDKs with its std set.
    if (agency.channelCa) {
      this.channel = adopt.channel
        ? // An imported node keeps its own channel key (build_chain makes one per node).
          credential(`${name}-channel`, { algorithm: "rsa2048", profile: "channelNode", issuer: agency.channelCa, validity, adopt: adopt.channel }, this)
        : this.sharedChannelCredential(name, agency.channelCa, agency.channelNodeKey!, validity);
    }
    const identity = this.gmSign ?? this.std;
    this.nodeId = identity.publicKeyHex;
    this.certPem = identity.certPem;
    this.host = pulumi.output(args.host);
    this.p2pEndpoint = pulumi.output(p2pEndpoint(args.address, args.p2pPort));
    this.p2pPort = pulumi.output(args.p2pPort);
    this.channelPort = pulumi.output(args.channelPort);
    this.rpcPort = pulumi.output(args.rpcPort);
    this.registerOutputs({
      nodeId: this.nodeId,
      host: this.host,
      p2pEndpoint: this.p2pEndpoint,
      p2pPort: this.p2pPort,
      channelPort: this.channelPort,
      rpcPort: this.rpcPort,
      certPem: this.certPem,
    });
  }

  /** The channel certificate on the agency's shared channel key. */
  private sharedChannelCredential(name: string, channelCa: CredentialOutputs, nodeKey: KeyPair, validity: Validity): CredentialOutputs {
    const channelCert = new Certificate(
      `${name}-channel-cert`,
      {
        profile: "channelNode",
        subjectPublicKeyPem: nodeKey.publicKeyPem,
        issuerCertPem: channelCa.certPem,
        issuerPrivateKeyPem: channelCa.privateKeyPem,
        validityDays: validity.validityDays,
        renewBeforeDays: validity.renewBeforeDays,
      },
      { parent: this },
    );
    return {
      algorithm: "rsa2048",
      privateKeyPem: pulumi.secret(nodeKey.privateKeyPem),
      publicKeyPem: nodeKey.publicKeyPem,
      publicKeyHex: pulumi.output(""),
      certPem: channelCert.certPem,
      notAfter: channelCert.notAfter,
    };
  }
}

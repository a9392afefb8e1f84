import * as pulumi from "@pulumi/pulumi";
import { KeyPair } from "../infra/providers/key-pair";
import type { ChainAuthority } from "./chain-authority";
import type { SdkChannel } from "../infra/topology/sdk-channel";
import type { Adoption } from "./adoption";
import { credential, type CredentialOutputs, type Validity } from "./credential";

export interface AgencyArgs {
  /** The chain CA that signs this agency's CA certificates. */
  authority: ChainAuthority;
  /** GM chain: also create the SM2 agency CA (`<agency>-gm`) and the GM SDK pair. */
  smCrypto: boolean;
  /** Which set the nodes' channel serves SDKs with (infra/topology/sdk-channel.ts); default `rsa`. */
  sdkChannel?: SdkChannel;
  /** The chain has the RSA channel (rsa_crypto_channel); default true. */
  rsaChannel?: boolean;
  /** Certificate lifetime and renewal window. */
  validity: Validity;
  /** Imported CAs and SDK set of this agency to adopt. */
  adopt?: Adoption["agencies"][string];
}

/**
 * One member organisation: its agency CAs under the chain CA, its own RSA channel CA (the SDK
 * trust anchor for its nodes; none without the RSA channel), and its SDK credentials. The
 * component's name is the agency name.
 */
export class Agency extends pulumi.ComponentResource {
  /** The standard agency CA certificate (PEM). */
  readonly certPem: pulumi.Output<string>;
  /** The GM agency CA certificate (PEM); empty on a non-GM chain. */
  readonly gmCertPem: pulumi.Output<string>;
  /** The agency's RSA channel CA certificate: what its SDKs trust; empty without the RSA channel. */
  readonly channelCaCertPem: pulumi.Output<string>;
  readonly std: CredentialOutputs;
  readonly gm?: CredentialOutputs;
  /** The RSA channel CA, node key and SDK credential: present with the RSA channel only. */
  readonly channelCa?: CredentialOutputs;
  /**
   * One RSA key for all of the agency's node channel certificates: they carry the same subject
   * under the same CA and an SDK accepts any of them, so per-node keys add no identity.
   */
  readonly channelNodeKey?: KeyPair;
  readonly sdkChannel?: CredentialOutputs;
  /**
   * Without the RSA channel (and the GM one): the secp256k1 SDK credential under the agency CA,
   * which the nodes' own secp256k1 channel set accepts. Absent when that CA came without its key
   * and no such SDK set was imported: nothing can issue it here.
   */
  readonly sdkStd?: CredentialOutputs;
  readonly sdkGmSign?: CredentialOutputs;
  readonly sdkGmEnc?: CredentialOutputs;

  constructor(name: string, args: AgencyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:Agency", name, {}, opts);
    const { validity, authority } = args;
    const adopt = args.adopt ?? {};
    this.std = credential(
      `${name}-agency`,
      { algorithm: "secp256k1", profile: "agencyCa", subjectName: name, issuer: authority.std, validity, adopt: adopt.std },
      this,
    );
    if (args.rsaChannel ?? true) {
      this.channelCa = credential(
        `${name}-channel-ca`,
        { algorithm: "rsa2048", profile: "channelCa", subjectName: name, validity, adopt: adopt.channelCa },
        this,
      );
      this.channelNodeKey = new KeyPair(`${name}-channel-node-key`, { algorithm: "rsa2048" }, { parent: this });
      this.sdkChannel = credential(
        `${name}-sdk`,
        { algorithm: "rsa2048", profile: "channelSdk", issuer: this.channelCa, validity, adopt: adopt.sdkChannel },
        this,
      );
    } else if ((args.sdkChannel ?? "rsa") === "std") {
      // The imported `sdk` set of a chain without the RSA channel is this one (build_chain -R).
      const stdCaSigns = adopt.std === undefined || adopt.std.privateKeyPem !== undefined;
      if (stdCaSigns || adopt.sdkChannel !== undefined) {
        this.sdkStd = credential(`${name}-ecdsa-sdk`, { algorithm: "secp256k1", profile: "sdk", issuer: this.std, validity, adopt: adopt.sdkChannel }, this);
      }
    }
    if (args.smCrypto) {
      if (!authority.gm) throw new Error(`agency ${name}: a GM chain needs the GM chain CA`);
      this.gm = credential(
        `${name}-gmagency`,
        { algorithm: "sm2", profile: "gmAgencyCa", subjectName: name, issuer: authority.gm, validity, adopt: adopt.gm },
        this,
      );
      // A GM agency CA imported without its key cannot issue a GM SDK set; with none imported
      // (generator packages carry none) the agency's SDK folder has only the RSA set.
      const gmCaSigns = adopt.gm === undefined || adopt.gm.privateKeyPem !== undefined;
      if (gmCaSigns || adopt.sdkGmSign !== undefined) {
        this.sdkGmSign = credential(`${name}-gmsdk`, { algorithm: "sm2", profile: "gmSdk", issuer: this.gm, validity, adopt: adopt.sdkGmSign }, this);
        this.sdkGmEnc = credential(`${name}-gmensdk`, { algorithm: "sm2", profile: "gmEnSdk", issuer: this.gm, validity, adopt: adopt.sdkGmEnc }, this);
      }
    }
    this.certPem = this.std.certPem;
    this.gmCertPem = this.gm ? this.gm.certPem : pulumi.output("");
    this.channelCaCertPem = this.channelCa ? this.channelCa.certPem : pulumi.output("");
    this.registerOutputs({ certPem: this.certPem, gmCertPem: this.gmCertPem, channelCaCertPem: this.channelCaCertPem });
  }
}

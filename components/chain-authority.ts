import * as pulumi from "@pulumi/pulumi";
import type { Adoption } from "./adoption";
import { credential, type CredentialOutputs, type Validity } from "./credential";

export interface ChainAuthorityArgs {
  /** GM chain: also create the SM2 chain CA (`gmca.crt`, CN=gmchain). */
  smCrypto: boolean;
  /** Certificate lifetime and renewal window. */
  validity: Validity;
  /** Imported chain CAs to adopt (a CA without its key is a certificate only). */
  adopt?: Adoption["chain"];
}

/**
 * The alliance committee's root of trust: a secp256k1 chain CA (`ca.crt`, the non-GM root and
 * the GM `origin_cert/` root) and, on a GM chain, the SM2 chain CA (`gmca.crt`). Replacing it
 * would break every handshake on the chain, so its keys are made once and never regenerated.
 */
export class ChainAuthority extends pulumi.ComponentResource {
  /** The standard chain CA certificate (PEM). */
  readonly certPem: pulumi.Output<string>;
  /** The GM chain CA certificate (PEM); empty on a non-GM chain. */
  readonly gmCertPem: pulumi.Output<string>;
  /** Signing material for agencies; private keys are secrets. */
  readonly std: CredentialOutputs;
  readonly gm?: CredentialOutputs;

  constructor(name: string, args: ChainAuthorityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:ChainAuthority", name, {}, opts);
    this.std = credential(`${name}-ca`, { algorithm: "secp256k1", profile: "chainCa", validity: args.validity, adopt: args.adopt?.std }, this);
    if (args.smCrypto) {
      this.gm = credential(`${name}-gmca`, { algorithm: "sm2", profile: "gmChainCa", validity: args.validity, adopt: args.adopt?.gm }, this);
    }
    this.certPem = this.std.certPem;
    this.gmCertPem = this.gm ? this.gm.certPem : pulumi.output("");
    this.registerOutputs({ certPem: this.certPem, gmCertPem: this.gmCertPem });
  }
}

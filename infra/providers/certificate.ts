import * as pulumi from "@pulumi/pulumi";
import type { ProfileName } from "../crypto/profiles";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/certificate-provider.ts", "certificateProvider");

export interface CertificateArgs {
  /** The FISCO certificate profile (subject form, extensions, signature algorithm). */
  profile: pulumi.Input<ProfileName>;
  /** Agency or node name, for profiles whose CN carries it. */
  subjectName?: pulumi.Input<string>;
  /** The key being certified. */
  subjectPublicKeyPem: pulumi.Input<string>;
  /** The issuing CA's certificate; omit for a self-signed root. */
  issuerCertPem?: pulumi.Input<string>;
  /** The issuer's private key (the subject's own for a self-signed root); passed on as a secret. Empty: the issuer cannot sign. */
  issuerPrivateKeyPem: pulumi.Input<string>;
  /** Validity in days from issue. */
  validityDays: pulumi.Input<number>;
  /** Re-issue (same key) on the first `up` that runs this many days or fewer before expiry. */
  renewBeforeDays: pulumi.Input<number>;
  /** An existing certificate (PEM) to take as it is while it fits, instead of issuing one. */
  adoptCertPem?: pulumi.Input<string>;
}

/** An X.509 certificate, re-issued only when what it certifies changes or it nears expiry. */
export class Certificate extends DynamicResource {
  declare readonly certPem: pulumi.Output<string>;
  declare readonly notBefore: pulumi.Output<string>;
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, label: name, issuerPrivateKeyPem: pulumi.secret(args.issuerPrivateKeyPem), certPem: undefined, notBefore: undefined, notAfter: undefined },
      opts,
      "bcos",
      "Certificate",
    );
  }
}

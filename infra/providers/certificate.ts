import * as pulumi from "@pulumi/pulumi";
import type { ProfileName } from "../crypto/profiles";
import { dynamicResourceClass } from "./dynamic-resource-class";

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

export interface CertificateOutputs {
  certPem: string;
  notBefore: string;
  notAfter: string;
}

/** An X.509 certificate, re-issued only when what it certifies changes or it nears expiry. */
export class Certificate extends dynamicResourceClass<CertificateArgs & { label: string }, CertificateOutputs>({
  type: "Certificate",
  provider: ["infra/providers/certificate-provider.ts", "certificateProvider"],
  secretArgs: ["issuerPrivateKeyPem"],
  computed: ["certPem", "notBefore", "notAfter"],
}) {
  constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    // The provider's messages name the certificate by its resource name.
    super(name, { ...args, label: name }, opts);
  }
}

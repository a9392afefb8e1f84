/**
 * Certificates as resources. A certificate is re-issued (replaced; its key stays, being a
 * separate resource) only when what it certifies changes — profile, subject, subject key,
 * issuer certificate, validity — or when it enters its renewal window. Anything else is a no-op,
 * so a second `pulumi up` changes nothing.
 * An adopted certificate (from `bcos-pulumi import`) is taken as it is while it still certifies
 * the subject key and is outside its renewal window; an issuer imported without its private key
 * (empty `issuerPrivateKeyPem`) can issue nothing, which is refused in preview.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { certifiesKey, readLeafCertificate } from "../crypto/adopted-certificate";
import { issueCertificate, selfSignCertificate } from "../crypto/certificate";
import { PROFILES, type ProfileName } from "../crypto/profiles";

export interface CertificateInputs {
  profile: ProfileName;
  /** Agency or node name for profiles whose CN carries it. */
  subjectName?: string;
  subjectPublicKeyPem: string;
  /** The issuing CA's certificate; absent for a self-signed root. */
  issuerCertPem?: string;
  /**
   * The issuer's private key (the subject's own key for a self-signed root). A secret input.
   * Empty: the issuer was imported as a certificate only and cannot issue.
   */
  issuerPrivateKeyPem: string;
  validityDays: number;
  /** Re-issue on the first `up` that runs less than this many days before expiry. */
  renewBeforeDays: number;
  /** An existing certificate (PEM, leaf first) to take instead of issuing one. */
  adoptCertPem?: string;
}

/** Outputs never carry the issuer's private key. */
export interface CertificateOutputs extends Omit<CertificateInputs, "issuerPrivateKeyPem" | "adoptCertPem"> {
  certPem: string;
  notBefore: string;
  notAfter: string;
}

const DAY_MS = 86_400_000;
/** Inputs whose change means the certificate says something else: re-issue. */
const REISSUE_ON: readonly (keyof CertificateInputs)[] = ["profile", "subjectName", "subjectPublicKeyPem", "issuerCertPem", "validityDays"];

export function inRenewalWindow(outs: Pick<CertificateOutputs, "notAfter">, renewBeforeDays: number, now: Date): boolean {
  return now.getTime() >= Date.parse(outs.notAfter) - renewBeforeDays * DAY_MS;
}

function failures(news: CertificateInputs): pulumi.dynamic.CheckFailure[] {
  const problems: pulumi.dynamic.CheckFailure[] = [];
  const profile = PROFILES[news.profile];
  if (!profile) problems.push({ property: "profile", reason: `unknown certificate profile "${news.profile}"` });
  else if (profile.selfSigned !== (news.issuerCertPem === undefined)) {
    problems.push({ property: "issuerCertPem", reason: `profile ${news.profile} ${profile.selfSigned ? "is self-signed: give no issuer" : "needs an issuer certificate"}` });
  }
  if (!Number.isInteger(news.validityDays) || news.validityDays < 1) {
    problems.push({ property: "validityDays", reason: `must be a whole number of days >= 1 (got ${news.validityDays})` });
  }
  if (!Number.isInteger(news.renewBeforeDays) || news.renewBeforeDays < 0 || news.renewBeforeDays >= news.validityDays) {
    problems.push({ property: "renewBeforeDays", reason: `must be a whole number from 0 to validityDays - 1 (got ${news.renewBeforeDays})` });
  }
  return problems;
}

/** Why the issuer cannot make a new certificate, for a preview refusal. */
function keylessIssuerError(reason: string): Error {
  return new Error(
    `a new certificate is needed (${reason}), but its issuer CA was imported as a certificate only (bcos:imported says hasKey: false). ` +
      `Fix: import again with the CA's key (--cert-dir), or have the CA's holder issue it, or leave this change out of the topology.`,
  );
}

/** The adopted certificate, if it still says what the inputs ask for; otherwise undefined (issue anew). */
function adopted(inputs: CertificateInputs, now: Date): CertificateOutputs | undefined {
  if (inputs.adoptCertPem === undefined) return undefined;
  const leaf = readLeafCertificate(inputs.adoptCertPem, "the adopted certificate");
  const outs = { notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString() };
  if (!certifiesKey(leaf.certPem, inputs.subjectPublicKeyPem) || inRenewalWindow(outs, inputs.renewBeforeDays, now)) return undefined;
  const { issuerPrivateKeyPem: _secret, adoptCertPem: _adopted, ...visible } = inputs;
  return { ...visible, certPem: leaf.certPem, ...outs };
}

function issue(inputs: CertificateInputs): CertificateOutputs {
  if (inputs.issuerPrivateKeyPem === "") throw keylessIssuerError("none to adopt, or the adopted one no longer fits");
  // Whole seconds: X.509 times have no fractions, and notAfter must match what the cert says.
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000);
  const common = { profile: inputs.profile, subjectName: inputs.subjectName, validityDays: inputs.validityDays, notBefore };
  const certPem =
    inputs.issuerCertPem === undefined
      ? selfSignCertificate({ ...common, privateKeyPem: inputs.issuerPrivateKeyPem })
      : issueCertificate({
          ...common,
          subjectPublicKeyPem: inputs.subjectPublicKeyPem,
          issuer: { certPem: inputs.issuerCertPem, privateKeyPem: inputs.issuerPrivateKeyPem },
        });
  const { issuerPrivateKeyPem: _secret, adoptCertPem: _adopted, ...visible } = inputs;
  return {
    ...visible,
    certPem,
    notBefore: notBefore.toISOString(),
    notAfter: new Date(notBefore.getTime() + inputs.validityDays * DAY_MS).toISOString(),
  };
}

export const certificateProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<CertificateInputs>, news: CertificateInputs) {
    const problems = failures(news);
    // A certificate not yet in state, with nothing to adopt, from an issuer that cannot sign.
    if (olds.subjectPublicKeyPem === undefined && news.adoptCertPem === undefined && news.issuerPrivateKeyPem === "") {
      problems.push({ property: "issuerPrivateKeyPem", reason: keylessIssuerError("none to adopt").message });
    }
    return problems.length > 0 ? { failures: problems } : { inputs: news };
  },

  async diff(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
    const replaces: string[] = REISSUE_ON.filter((key) => olds[key as keyof CertificateOutputs] !== news[key]);
    if (inRenewalWindow(olds, news.renewBeforeDays, new Date())) replaces.push("notAfter");
    if (replaces.length > 0 && news.issuerPrivateKeyPem === "") throw keylessIssuerError(`the certificate must be re-issued: ${replaces.join(", ")} changed`);
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    return { changes: olds.renewBeforeDays !== news.renewBeforeDays };
  },

  async create(inputs: CertificateInputs) {
    const outs = adopted(inputs, new Date()) ?? issue(inputs);
    return { id: createHash("sha256").update(outs.certPem).digest("hex").slice(0, 32), outs };
  },

  /** Only the renewal window (or the provider's code) changed: the certificate stays. */
  async update(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
    return { outs: { ...olds, renewBeforeDays: news.renewBeforeDays } };
  },
};

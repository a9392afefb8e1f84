/**
 * Certificates as resources. A certificate is re-issued (replaced; its key stays, being a
 * separate resource) only when what it certifies changes — profile, subject, subject key,
 * issuer certificate, validity — or when it enters its renewal window. Anything else is a no-op,
 * so a second `pulumi up` changes nothing. A chain CA is never re-issued on another key: every
 * node trusts it, so that is a migration `up` cannot roll out (see `chainCaKeyChange`).
 *
 * A v1 root (ca.crt, the channel CA: no key identifiers) is re-issued on its key in place, keeping
 * its serial: certificates under it name it by issuer name and serial, and OpenSSL accepts the
 * renewed root as their issuer only with the same serial. So nodes restarted with the renewed root
 * and those not yet restarted still verify each other during the rolling restart.
 *
 * An adopted certificate (from `bcos-pulumi import`) is taken as it is while it still certifies
 * the subject key and is outside its renewal window; an issuer imported without its private key
 * (empty `issuerPrivateKeyPem`) can issue nothing, which is refused in preview.
 */
import { createHash, X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { now as clockNow } from "../clock";
import { certifiesKey, readLeafCertificate } from "../crypto/adopted-certificate";
import { issueCertificate, selfSignCertificate } from "../crypto/certificate";
import { DAY_MS, daysLeft, inRenewalWindow } from "../crypto/expiry";
import { PROFILES, type ProfileName } from "../crypto/profiles";

export interface CertificateInputs {
  profile: ProfileName;
  /** Agency or node name for profiles whose CN carries it. */
  subjectName?: string;
  subjectPublicKeyPem: string;
  /** The issuing CA's certificate; absent for a self-signed root. */
  issuerCertPem?: string;
  /** The issuer's private key (the subject's own key for a self-signed root). A secret input. */
  issuerPrivateKeyPem: string;
  validityDays: number;
  /** Re-issue on the first `up` that runs less than this many days before expiry. */
  renewBeforeDays: number;
  /** The resource's name, for messages (never a reason to re-issue). */
  label?: string;
  /** An existing certificate (PEM, leaf first) to take instead of issuing one. */
  adoptCertPem?: string;
}

/** Outputs never carry the issuer's private key. */
export interface CertificateOutputs extends Omit<CertificateInputs, "issuerPrivateKeyPem"> {
  certPem: string;
  notBefore: string;
  notAfter: string;
}

export interface CertificateProviderOptions {
  /** Renewal warnings; default pulumi.log.warn (shown by preview and up). */
  warn?: (message: string) => void;
  /** Default: infra/clock (BCOS_NOW in tests). */
  now?: () => Date;
}

/** Inputs whose change means the certificate says something else: re-issue. */
const REISSUE_ON: readonly (keyof CertificateInputs)[] = ["profile", "subjectName", "subjectPublicKeyPem", "issuerCertPem", "validityDays"];
/** The roots every node trusts (ca.crt, gmca.crt). */
const CHAIN_CA_PROFILES: readonly ProfileName[] = ["chainCa", "gmChainCa"];
/** Self-signed roots without key identifiers: what they sign names them by issuer and serial. */
const V1_ROOT_PROFILES: readonly ProfileName[] = ["chainCa", "channelCa"];
/** Certificates that sign others: those are re-issued with them. */
const SIGNING_PROFILES: readonly ProfileName[] = [...CHAIN_CA_PROFILES, "agencyCa", "gmAgencyCa", "channelCa"];

function failures(news: CertificateInputs): pulumi.dynamic.CheckFailure[] {
  const problems: pulumi.dynamic.CheckFailure[] = [];
  const profile = PROFILES[news.profile];
  if (!profile) problems.push({ property: "profile", reason: `unknown certificate profile "${news.profile}"` });
  else if (profile.selfSigned !== (news.issuerCertPem === undefined)) {
    problems.push({
      property: "issuerCertPem",
      reason: `profile ${news.profile} ${profile.selfSigned ? "is self-signed: give no issuer" : "needs an issuer certificate"}`,
    });
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
function adopted(inputs: CertificateInputs, at: Date): CertificateOutputs | undefined {
  if (inputs.adoptCertPem === undefined) return undefined;
  const leaf = readLeafCertificate(inputs.adoptCertPem, "the adopted certificate");
  const outs = { notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString() };
  if (!certifiesKey(leaf.certPem, inputs.subjectPublicKeyPem) || inRenewalWindow(outs.notAfter, inputs.renewBeforeDays, at)) return undefined;
  const { issuerPrivateKeyPem: _secret, adoptCertPem: _adopted, ...visible } = inputs;
  return { ...visible, certPem: leaf.certPem, ...outs };
}

/**
 * A chain CA certificate about to be made on another key (in preview the new key is still
 * unknown, so any difference counts). Every node checks its peers against the chain CA it holds:
 * during a rolling restart the nodes given certificates under a new key and those not yet
 * restarted would refuse each other, and the groups would lose quorum.
 */
function chainCaKeyChange(olds: Partial<CertificateInputs>, news: CertificateInputs): pulumi.dynamic.CheckFailure | undefined {
  if (!CHAIN_CA_PROFILES.includes(news.profile) || olds.subjectPublicKeyPem === undefined || olds.subjectPublicKeyPem === news.subjectPublicKeyPem)
    return undefined;
  const file = news.profile === "gmChainCa" ? "gmca.crt" : "ca.crt";
  return {
    property: "subjectPublicKeyPem",
    reason:
      `${news.label ?? news.profile}: the chain CA (${file}) would be re-issued on a new key. Every node trusts the chain CA's key; ` +
      `nodes restarted with certificates under a new key could not talk to those not yet restarted, so the groups would lose quorum ` +
      `during the rolling restart. pulumi up renews a chain CA only on its own key. The key changes when its resource is replaced ` +
      `(pulumi up --replace, or deleted from the state): keep it, or restore the state that holds it (pulumi stack import from a backup). ` +
      `Moving to a new chain CA key is a migration with downtime, done by hand: stop every node, give every node the new ${file} ` +
      `with agency and node certificates re-issued under it, and start them again.`,
  };
}

/** A v1 root re-issued on the same key: in place, with its serial (see the module comment). */
const keepsSerial = (olds: CertificateOutputs, news: CertificateInputs) =>
  V1_ROOT_PROFILES.includes(news.profile) && olds.profile === news.profile && olds.subjectPublicKeyPem === news.subjectPublicKeyPem;

const serialOf = (certPem: string) => BigInt(`0x${new X509Certificate(certPem).serialNumber}`);

export function createCertificateProvider(options: CertificateProviderOptions = {}): pulumi.dynamic.ResourceProvider {
  const warn = options.warn ?? ((message: string) => void pulumi.log.warn(message));
  const now = options.now ?? (() => clockNow());

  /** Why the certificate must be re-issued: the inputs that changed, and `notAfter` in the renewal window. */
  function reissueReasons(olds: CertificateOutputs, news: CertificateInputs, at: Date): string[] {
    const reasons: string[] = REISSUE_ON.filter((key) => olds[key as keyof CertificateOutputs] !== news[key]);
    if (inRenewalWindow(olds.notAfter, news.renewBeforeDays, at)) reasons.push("notAfter");
    return reasons;
  }

  function issue(inputs: CertificateInputs, serial?: bigint): CertificateOutputs {
    if (inputs.issuerPrivateKeyPem === "") throw keylessIssuerError("none to adopt, or the adopted one no longer fits");
    // Whole seconds: X.509 times have no fractions, and notAfter must match what the cert says.
    const notBefore = new Date(Math.floor(now().getTime() / 1000) * 1000);
    const common = { profile: inputs.profile, subjectName: inputs.subjectName, validityDays: inputs.validityDays, notBefore, serial };
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

  return {
    async check(olds: Partial<CertificateInputs> | undefined, news: CertificateInputs) {
      const problems = failures(news);
      const keyChange = chainCaKeyChange(olds ?? {}, news);
      if (keyChange) problems.push(keyChange);
      // A certificate not yet in state, with nothing to adopt, from an issuer that cannot sign.
      if (olds?.subjectPublicKeyPem === undefined && news.adoptCertPem === undefined && news.issuerPrivateKeyPem === "") {
        problems.push({ property: "issuerPrivateKeyPem", reason: keylessIssuerError("none to adopt").message });
      }
      return problems.length > 0 ? { failures: problems } : { inputs: news };
    },

    async diff(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
      const at = now();
      const replaces = reissueReasons(olds, news, at);
      if (replaces.includes("notAfter")) {
        const left = daysLeft(olds.notAfter, at);
        warn(
          `${news.label ?? olds.label ?? news.profile}: expires ${olds.notAfter} (${left < 0 ? "expired" : `${left} days left`}; renewal window ` +
            `bcos:renewBeforeDays = ${news.renewBeforeDays}): pulumi up re-issues it on the same key` +
            (SIGNING_PROFILES.includes(news.profile) ? ", and the certificates it signs with it" : ""),
        );
      }
      if (replaces.length > 0 && news.issuerPrivateKeyPem === "") throw keylessIssuerError(`the certificate must be re-issued: ${replaces.join(", ")} changed`);
      if (replaces.length > 0) return keepsSerial(olds, news) ? { changes: true } : { changes: true, replaces, deleteBeforeReplace: false };
      return { changes: olds.renewBeforeDays !== news.renewBeforeDays };
    },

    async create(inputs: CertificateInputs) {
      const outs = adopted(inputs, now()) ?? issue(inputs);
      return { id: createHash("sha256").update(outs.certPem).digest("hex").slice(0, 32), outs };
    },

    /**
     * A v1 root re-issued on its key keeps its serial; otherwise only the renewal window (or the
     * provider's code) changed, and the certificate stays.
     */
    async update(_id: string, olds: CertificateOutputs, news: CertificateInputs) {
      if (keepsSerial(olds, news) && reissueReasons(olds, news, now()).length > 0) return { outs: issue(news, serialOf(olds.certPem)) };
      return { outs: { ...olds, renewBeforeDays: news.renewBeforeDays } };
    },
  };
}

export const certificateProvider = createCertificateProvider();

/**
 * "Bring your own CA": loading an existing chain CA (`gmca.crt`/`gmca.key`, `ca.crt`/`ca.key`,
 * the names build_chain's -K/-k options read) and refusing it, with the fix, if FISCO nodes or
 * OpenSSL would not accept certificates issued under it.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ChainAuthorityPki, Credential } from "./types";
import { ParsedCertificate, parseCertificate } from "./certificate";
import { formatName } from "./distinguished-name";
import { readBasicConstraints, readKeyUsage } from "./extensions";
import { LoadedPrivateKey, loadPrivateKey } from "./keys";
import { OID } from "./oids";
import { derToPem, pemBlocks } from "./pem";
import { describePublicKey, publicKeyMatches } from "./public-key";
import { signatureAlgorithmName, verifyWith } from "./signatures";

export type ChainCaKind = "gm" | "std";

const KINDS = {
  gm: {
    files: { cert: "gmca.crt", key: "gmca.key" },
    curve: "sm2",
    signatureAlgorithms: [OID.sm2WithSm3],
    makeKey: "openssl genpkey -paramfile gmsm2.param (SM2 curve 1.2.156.10197.1.301)",
    makeCert: "openssl req -x509 -sm3 -extensions v3_ca (gmcert.cnf) with -sigopt distid:1234567812345678",
    acceptsV1: false,
  },
  std: {
    files: { cert: "ca.crt", key: "ca.key" },
    curve: "secp256k1",
    signatureAlgorithms: [OID.ecdsaWithSha256, OID.ecdsaWithSha384, OID.ecdsaWithSha512],
    makeKey: "openssl ecparam -name secp256k1 -genkey (or genpkey with a secp256k1 paramfile)",
    makeCert: "openssl req -new -x509 -sha256 -key ca.key",
    // build_chain's own root is v1 without extensions; OpenSSL treats a v1 self-signed root as a CA.
    acceptsV1: true,
  },
} as const;

/** Loads the chain CA(s) from `dir`: `ca.*` always (GM nodes keep it in origin_cert/), `gmca.*` when `smCrypto`. */
export function importChainAuthority(dir: string, options: { smCrypto: boolean; now?: Date }): ChainAuthorityPki {
  const now = options.now ?? new Date();
  return {
    std: importChainCa(dir, "std", now),
    gm: options.smCrypto ? importChainCa(dir, "gm", now) : undefined,
  };
}

/** One CA pair from `dir`, checked as described at the top of this file. */
export function importChainCa(dir: string, kind: ChainCaKind, now: Date = new Date()): Credential {
  const spec = KINDS[kind];
  const certFile = path.join(dir, spec.files.cert);
  const keyFile = path.join(dir, spec.files.key);
  const fail = (file: string, problem: string, fix: string): never => {
    throw new Error(`${file}: ${problem}. Fix: ${fix}.`);
  };

  const keyText = readText(keyFile, fail);
  let key: LoadedPrivateKey;
  try {
    key = loadPrivateKey(keyText);
  } catch (e) {
    return fail(keyFile, `cannot load the private key (${(e as Error).message})`, `provide an unencrypted PEM ${spec.curve} key, e.g. from ${spec.makeKey}`);
  }
  if (key.keyPair.algorithm !== spec.curve) {
    fail(keyFile, `key is ${key.keyPair.algorithm}, expected ${spec.curve}`, `use a ${spec.curve} key: ${spec.makeKey}`);
  }

  const certText = readText(certFile, fail);
  const blocks = pemBlocks(certText).filter((b) => b.label === "CERTIFICATE");
  if (blocks.length !== 1) {
    fail(certFile, `holds ${blocks.length} certificates, expected exactly one`, `keep only the chain CA's own certificate in ${spec.files.cert}`);
  }
  let parsed: ParsedCertificate;
  try {
    parsed = parseCertificate(certText);
  } catch (e) {
    return fail(certFile, `cannot parse the certificate (${(e as Error).message})`, `provide a PEM X.509 certificate`);
  }
  const { certificate } = parsed;
  const tbs = certificate.tbsCertificate;

  const certKey = describePublicKey(tbs.subjectPublicKeyInfo);
  if (certKey.algorithm !== spec.curve) {
    fail(certFile, `certifies a ${certKey.kind} key, expected ${spec.curve}`, `issue the CA certificate for a ${spec.curve} key`);
  }
  if (!publicKeyMatches(tbs.subjectPublicKeyInfo, key.keyPair)) {
    fail(
      keyFile,
      `does not belong to ${spec.files.cert} (different public key)`,
      `put the key that ${spec.files.cert} was made from next to it, or re-issue the certificate from this key`,
    );
  }

  const sigAlg = certificate.signatureAlgorithm.algorithm;
  if (!(spec.signatureAlgorithms as readonly string[]).includes(sigAlg)) {
    fail(
      certFile,
      `is signed with ${signatureAlgorithmName(sigAlg)}, expected ${spec.signatureAlgorithms.map(signatureAlgorithmName).join(" or ")}`,
      `re-issue it: ${spec.makeCert}`,
    );
  }
  if (formatName(tbs.issuer) !== formatName(tbs.subject)) {
    fail(certFile, `is not self-signed (issuer ${formatName(tbs.issuer)}, subject ${formatName(tbs.subject)})`, `provide the root CA, not an intermediate`);
  }
  if (!verifyWith(sigAlg, new Uint8Array(certificate.tbsCertificateRaw!), new Uint8Array(certificate.signatureValue), tbs.subjectPublicKeyInfo)) {
    fail(
      certFile,
      `its self-signature does not verify${kind === "gm" ? " (SM2 with the default user ID 1234567812345678)" : ""}`,
      `re-issue it: ${spec.makeCert}`,
    );
  }

  const constraints = readBasicConstraints(certificate);
  const isV1WithoutExtensions = !tbs.extensions?.length;
  if (!(constraints?.cA || (spec.acceptsV1 && isV1WithoutExtensions))) {
    fail(
      certFile,
      constraints ? "is not a CA (basicConstraints CA:FALSE)" : "is not a CA (no basicConstraints extension)",
      `re-issue it with basicConstraints=CA:TRUE: ${spec.makeCert}`,
    );
  }
  const usage = readKeyUsage(certificate);
  if (usage && !usage.includes("keyCertSign")) {
    fail(certFile, `its keyUsage (${usage.join(", ")}) lacks keyCertSign`, `re-issue it with keyUsage = cRLSign, keyCertSign`);
  }

  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  if (notAfter.getTime() <= now.getTime()) {
    fail(certFile, `expired on ${notAfter.toISOString()}`, `re-issue the CA certificate from ${spec.files.key} with a later end date`);
  }
  if (notBefore.getTime() > now.getTime()) {
    fail(certFile, `is not valid before ${notBefore.toISOString()}`, `check this machine's clock, or re-issue the certificate with a notBefore in the past`);
  }

  return { key: key.keyPair, certPem: derToPem(parsed.der, "CERTIFICATE") };
}

function readText(file: string, fail: (file: string, problem: string, fix: string) => never): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    return fail(
      file,
      `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      `place the file there or point the import at the folder that holds it`,
    );
  }
}

/**
 * build_chain's `<ip>/sdk/` (reference §1.3): the RSA channel client set (`sdk.key/.crt`, `ca.crt`)
 * and on GM chains `gm/` (`gmsdk`, `gmensdk`). The SDK is not part of any node's identity, so a
 * broken set is skipped with a warning rather than refused.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { loadPrivateKey } from "../crypto/keys";
import { publicKeyMatches } from "../crypto/public-key";
import { type CertInfo, readCertificates } from "./certificates";
import type { SdkFolderLocation } from "./layout";

export type SdkRole = "sdk" | "gmsdk" | "gmensdk";

export interface SdkCredential {
  role: SdkRole;
  keyFile: string;
  /** The key file verbatim. */
  keyText: string;
  certs: CertInfo[];
}

export interface SdkFolder extends SdkFolderLocation {
  credentials: SdkCredential[];
  /** Certificates and public keys, relative to the folder. */
  publicFiles: string[];
}

const PAIRS: { role: SdkRole; key: string; cert: string }[] = [
  { role: "sdk", key: "sdk.key", cert: "sdk.crt" },
  { role: "gmsdk", key: "gm/gmsdk.key", cert: "gm/gmsdk.crt" },
  { role: "gmensdk", key: "gm/gmensdk.key", cert: "gm/gmensdk.crt" },
];
const PUBLIC = ["ca.crt", "sdk.crt", "sdk.publickey", "gm/gmca.crt", "gm/gmsdk.crt", "gm/gmensdk.crt", "gm/gmsdk.publickey"];

export function readSdkFolder(location: SdkFolderLocation): { sdk: SdkFolder; warnings: string[] } {
  const warnings: string[] = [];
  const read = (rel: string) => readFileSync(path.join(location.dir, rel), "utf8");
  const credentials: SdkCredential[] = [];
  for (const pair of PAIRS) {
    if (!existsSync(path.join(location.dir, pair.key))) continue;
    const skip = (why: string) => warnings.push(`${location.label}/${pair.key}: SDK key skipped (${why})`);
    try {
      const keyText = read(pair.key);
      const key = loadPrivateKey(keyText);
      const certs = readCertificates(read(pair.cert), `${location.label}/${pair.cert}`);
      if (certs.length === 0) skip(`${pair.cert} holds no certificate`);
      else if (!publicKeyMatches(certs[0].certificate.tbsCertificate.subjectPublicKeyInfo, key.keyPair)) skip(`it does not belong to ${pair.cert}`);
      else credentials.push({ role: pair.role, keyFile: pair.key, keyText, certs });
    } catch (e) {
      skip((e as Error).message);
    }
  }
  const publicFiles = PUBLIC.filter((rel) => existsSync(path.join(location.dir, rel)) && !read(rel).includes("PRIVATE KEY-----"));
  return { sdk: { ...location, credentials, publicFiles }, warnings };
}

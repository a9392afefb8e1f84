/**
 * The certificate profiles of build_chain.sh v2.11.1 (reference fisco-2x-artifacts.md §4.1/§4.2):
 * who signs, the subject, and the extensions OpenSSL 3 writes for each cnf section used.
 */
import type { KeyAlgorithm } from "./types";
import type { DistinguishedName } from "./distinguished-name";
import type { ExtensionSpec } from "./extensions";

export type ProfileName =
  | "chainCa"
  | "agencyCa"
  | "node"
  | "channelCa"
  | "channelNode"
  | "channelSdk"
  | "sdk"
  | "gmChainCa"
  | "gmAgencyCa"
  | "gmNode"
  | "gmEnNode"
  | "gmSdk"
  | "gmEnSdk";

export interface CertificateProfile {
  /** Key type of the subject and of the issuer alike. */
  keyAlgorithm: KeyAlgorithm;
  selfSigned: boolean;
  /** A fixed CN, or how the CN follows from the agency/node name. */
  commonName: string | ((name: string) => string);
  organizationalUnit: string;
  /** In OpenSSL 3's order. Empty means X.509 v1, which is what build_chain gets for its roots. */
  extensions: ExtensionSpec[];
}

const ORGANIZATION = "fisco-bcos";

const SKI: ExtensionSpec = { kind: "subjectKeyIdentifier" };
const AKI: ExtensionSpec = { kind: "authorityKeyIdentifier" };

/** gmcert.cnf v3_ca and v3_agency_root (identical). */
const GM_CA: ExtensionSpec[] = [SKI, AKI, { kind: "basicConstraints", ca: true }, { kind: "keyUsage", usages: ["cRLSign", "keyCertSign"] }];

/**
 * A cert signed by `x509 -req -extfile`: the section's own extensions, then the SKI and AKI that
 * OpenSSL 3 adds by itself.
 */
function withKeyIds(...section: ExtensionSpec[]): ExtensionSpec[] {
  return [...section, SKI, AKI];
}

const LEAF = { kind: "basicConstraints", ca: false } as const;
/** gmcert.cnf v3_req. */
const GM_SIGN = withKeyIds(LEAF, { kind: "keyUsage", usages: ["nonRepudiation", "digitalSignature"] });
/** gmcert.cnf v3enc_req. */
const GM_ENC = withKeyIds(LEAF, { kind: "keyUsage", usages: ["keyAgreement", "keyEncipherment", "dataEncipherment"] });

/** RSA channel node and SDK certs share one profile: the SDK accepts any cert its channel CA signed. */
const CHANNEL_LEAF: CertificateProfile = {
  keyAlgorithm: "rsa2048",
  selfSigned: false,
  commonName: "FISCO-BCOS",
  organizationalUnit: "agency",
  // `-extensions v4_req` without `-extfile` is ignored by OpenSSL: v1.
  extensions: [],
};

export const PROFILES: Record<ProfileName, CertificateProfile> = {
  // `req -x509` with cert.cnf, which names no x509_extensions: v1.
  chainCa: { keyAlgorithm: "secp256k1", selfSigned: true, commonName: "chain", organizationalUnit: "chain", extensions: [] },
  // cert.cnf v4_req.
  agencyCa: {
    keyAlgorithm: "secp256k1",
    selfSigned: false,
    commonName: (agency) => agency,
    organizationalUnit: "agency",
    extensions: withKeyIds({ kind: "basicConstraints", ca: true }),
  },
  // cert.cnf v3_req.
  node: {
    keyAlgorithm: "secp256k1",
    selfSigned: false,
    commonName: (node) => node,
    organizationalUnit: "node",
    extensions: withKeyIds(LEAF, { kind: "keyUsage", usages: ["nonRepudiation", "digitalSignature", "keyEncipherment"] }),
  },
  // cert.cnf v3_req, build_chain -R's SDK certificate (the ECDSA channel).
  sdk: {
    keyAlgorithm: "secp256k1",
    selfSigned: false,
    commonName: "sdk",
    organizationalUnit: "sdk",
    extensions: withKeyIds(LEAF, { kind: "keyUsage", usages: ["nonRepudiation", "digitalSignature", "keyEncipherment"] }),
  },
  channelCa: { keyAlgorithm: "rsa2048", selfSigned: true, commonName: (agency) => agency, organizationalUnit: "chain", extensions: [] },
  channelNode: CHANNEL_LEAF,
  channelSdk: CHANNEL_LEAF,
  gmChainCa: { keyAlgorithm: "sm2", selfSigned: true, commonName: "gmchain", organizationalUnit: "chain", extensions: GM_CA },
  gmAgencyCa: {
    keyAlgorithm: "sm2",
    selfSigned: false,
    commonName: (agency) => `${agency}-gm`,
    organizationalUnit: "agency",
    extensions: GM_CA,
  },
  gmNode: { keyAlgorithm: "sm2", selfSigned: false, commonName: (node) => node, organizationalUnit: "node", extensions: GM_SIGN },
  gmEnNode: { keyAlgorithm: "sm2", selfSigned: false, commonName: (node) => node, organizationalUnit: "ennode", extensions: GM_ENC },
  gmSdk: { keyAlgorithm: "sm2", selfSigned: false, commonName: "sdk", organizationalUnit: "sdk", extensions: GM_SIGN },
  gmEnSdk: { keyAlgorithm: "sm2", selfSigned: false, commonName: "sdk", organizationalUnit: "ensdk", extensions: GM_ENC },
};

/** The subject DN of `profile` for the agency or node called `name` (ignored where the CN is fixed). */
export function subjectOf(profile: CertificateProfile, name?: string): DistinguishedName {
  let commonName: string;
  if (typeof profile.commonName === "string") {
    commonName = profile.commonName;
  } else {
    if (!name) throw new Error("this certificate profile needs the agency or node name for its CN");
    commonName = profile.commonName(name);
  }
  return { commonName, organization: ORGANIZATION, organizationalUnit: profile.organizationalUnit };
}

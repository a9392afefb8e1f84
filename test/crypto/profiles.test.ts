import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issuedCredential, newEcCredential, selfSignedCredential } from "../../infra/crypto/chain-pki";
import { generateEcKeyPair, generateRsaKeyPair } from "../../infra/crypto/keys";
import { PROFILES, ProfileName } from "../../infra/crypto/profiles";
import { keyIdentifier, parsePublicKeyPem } from "../../infra/crypto/public-key";
import type { Credential } from "../../infra/crypto/types";
import { REFERENCE_FILES, makeReferenceCertificates } from "./build-chain-reference";
import { Scratch, asn1Skeleton, certText } from "./openssl-harness";

const VALIDITY = { validityDays: 36500 };
const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** One certificate per profile, agency "agencyA", node "node0", as build_chain names them. */
async function makeOurCertificates(): Promise<Record<ProfileName, Credential>> {
  const [chcaKey, chnodeKey, chsdkKey] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(), generateRsaKeyPair()]);
  const chainCa = selfSignedCredential("chainCa", generateEcKeyPair("secp256k1"), VALIDITY);
  const agencyCa = newEcCredential("agencyCa", chainCa, VALIDITY, "agencyA");
  const channelCa = selfSignedCredential("channelCa", chcaKey, VALIDITY, "agencyA");
  const gmChainCa = selfSignedCredential("gmChainCa", generateEcKeyPair("sm2"), VALIDITY);
  const gmAgencyCa = newEcCredential("gmAgencyCa", gmChainCa, VALIDITY, "agencyA");
  return {
    chainCa,
    agencyCa,
    node: newEcCredential("node", agencyCa, VALIDITY, "node0"),
    sdk: newEcCredential("sdk", agencyCa, VALIDITY),
    channelCa,
    channelNode: issuedCredential("channelNode", chnodeKey, channelCa, VALIDITY),
    channelSdk: issuedCredential("channelSdk", chsdkKey, channelCa, VALIDITY),
    gmChainCa,
    gmAgencyCa,
    gmNode: newEcCredential("gmNode", gmAgencyCa, VALIDITY, "node0"),
    gmEnNode: newEcCredential("gmEnNode", gmAgencyCa, VALIDITY, "node0"),
    gmSdk: newEcCredential("gmSdk", gmAgencyCa, VALIDITY),
    gmEnSdk: newEcCredential("gmEnSdk", gmAgencyCa, VALIDITY),
  };
}

/** `x509 -text` without keys, serials, dates and signatures, hex identifiers masked. */
function comparableText(s: Scratch, pem: string): string {
  const out = s.must("x509", "-noout", "-text", "-certopt", "no_pubkey,no_sigdump,no_serial,no_validity", "-in", s.file("cmp.crt", pem));
  return out.replace(/([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}/g, "<hex>");
}

/** What reference §4.1/§4.2 says each profile must show in `openssl x509 -text`. */
const EXPECTED: Record<ProfileName, { subject: string; issuer: string; sigAlg: string; version: number; ext: string[] }> = {
  chainCa: {
    subject: "CN = chain, O = fisco-bcos, OU = chain",
    issuer: "CN = chain, O = fisco-bcos, OU = chain",
    sigAlg: "ecdsa-with-SHA256",
    version: 1,
    ext: [],
  },
  agencyCa: {
    subject: "CN = agencyA, O = fisco-bcos, OU = agency",
    issuer: "CN = chain, O = fisco-bcos, OU = chain",
    sigAlg: "ecdsa-with-SHA256",
    version: 3,
    ext: ["X509v3 Basic Constraints: \n                CA:TRUE", "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier"],
  },
  node: {
    subject: "CN = node0, O = fisco-bcos, OU = node",
    issuer: "CN = agencyA, O = fisco-bcos, OU = agency",
    sigAlg: "ecdsa-with-SHA256",
    version: 3,
    ext: ["CA:FALSE", "X509v3 Key Usage: \n                Digital Signature, Non Repudiation, Key Encipherment"],
  },
  sdk: {
    subject: "CN = sdk, O = fisco-bcos, OU = sdk",
    issuer: "CN = agencyA, O = fisco-bcos, OU = agency",
    sigAlg: "ecdsa-with-SHA256",
    version: 3,
    ext: ["CA:FALSE", "X509v3 Key Usage: \n                Digital Signature, Non Repudiation, Key Encipherment"],
  },
  channelCa: {
    subject: "CN = agencyA, O = fisco-bcos, OU = chain",
    issuer: "CN = agencyA, O = fisco-bcos, OU = chain",
    sigAlg: "sha256WithRSAEncryption",
    version: 1,
    ext: [],
  },
  channelNode: {
    subject: "CN = FISCO-BCOS, O = fisco-bcos, OU = agency",
    issuer: "CN = agencyA, O = fisco-bcos, OU = chain",
    sigAlg: "sha256WithRSAEncryption",
    version: 1,
    ext: [],
  },
  channelSdk: {
    subject: "CN = FISCO-BCOS, O = fisco-bcos, OU = agency",
    issuer: "CN = agencyA, O = fisco-bcos, OU = chain",
    sigAlg: "sha256WithRSAEncryption",
    version: 1,
    ext: [],
  },
  gmChainCa: {
    subject: "CN = gmchain, O = fisco-bcos, OU = chain",
    issuer: "CN = gmchain, O = fisco-bcos, OU = chain",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier", "CA:TRUE", "X509v3 Key Usage: \n                Certificate Sign, CRL Sign"],
  },
  gmAgencyCa: {
    subject: "CN = agencyA-gm, O = fisco-bcos, OU = agency",
    issuer: "CN = gmchain, O = fisco-bcos, OU = chain",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["CA:TRUE", "Certificate Sign, CRL Sign"],
  },
  gmNode: {
    subject: "CN = node0, O = fisco-bcos, OU = node",
    issuer: "CN = agencyA-gm, O = fisco-bcos, OU = agency",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["CA:FALSE", "X509v3 Key Usage: \n                Digital Signature, Non Repudiation\n"],
  },
  gmEnNode: {
    subject: "CN = node0, O = fisco-bcos, OU = ennode",
    issuer: "CN = agencyA-gm, O = fisco-bcos, OU = agency",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["CA:FALSE", "X509v3 Key Usage: \n                Key Encipherment, Data Encipherment, Key Agreement"],
  },
  gmSdk: {
    subject: "CN = sdk, O = fisco-bcos, OU = sdk",
    issuer: "CN = agencyA-gm, O = fisco-bcos, OU = agency",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["CA:FALSE", "Digital Signature, Non Repudiation\n"],
  },
  gmEnSdk: {
    subject: "CN = sdk, O = fisco-bcos, OU = ensdk",
    issuer: "CN = agencyA-gm, O = fisco-bcos, OU = agency",
    sigAlg: "SM2-with-SM3",
    version: 3,
    ext: ["CA:FALSE", "Key Encipherment, Data Encipherment, Key Agreement"],
  },
};

describe("certificate profiles under openssl x509 -text", () => {
  const s = new Scratch();
  let ours: Record<ProfileName, Credential>;
  beforeAll(async () => {
    ours = await makeOurCertificates();
    makeReferenceCertificates(s);
  });
  afterAll(() => s.remove());

  it.each(PROFILE_NAMES)("%s shows the subject, issuer, version, signature algorithm and extensions of §4", (name) => {
    const text = certText(s, ours[name].certPem);
    const want = EXPECTED[name];
    expect(text).toContain(`Subject: ${want.subject}\n`);
    expect(text).toContain(`Issuer: ${want.issuer}\n`);
    expect(text).toContain(`Version: ${want.version} (0x${want.version - 1})`);
    expect(text).toContain(`Signature Algorithm: ${want.sigAlg}`);
    if (want.ext.length === 0) expect(text).not.toContain("X509v3 extensions");
    for (const ext of want.ext) expect(text).toContain(ext);
    expect(text).not.toContain("critical");
  });

  it.each(PROFILE_NAMES)("%s has the same ASN.1 layout as the OpenSSL-made build_chain certificate", (name) => {
    const reference = readFileSync(s.path(`${REFERENCE_FILES[name]}.crt`), "utf8");
    expect(asn1Skeleton(s, ours[name].certPem)).toEqual(asn1Skeleton(s, reference));
    expect(comparableText(s, ours[name].certPem)).toBe(comparableText(s, reference));
  });

  it("the self-signed GM root's AKI repeats its SKI; issued certs carry the issuer's SKI as AKI", () => {
    const keyIds = (pem: string) => {
      const text = certText(s, pem);
      const ski = /Subject Key Identifier: *\n\s+([0-9A-F:]+)/.exec(text)?.[1];
      const aki = /Authority Key Identifier: *\n\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
      return { ski, aki };
    };
    const root = keyIds(ours.gmChainCa.certPem);
    const agency = keyIds(ours.gmAgencyCa.certPem);
    const node = keyIds(ours.gmNode.certPem);
    expect(root.ski).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(root.aki).toBe(root.ski);
    expect(agency.aki).toBe(root.ski);
    expect(node.aki).toBe(agency.ski);
  });

  it("an SKI is the SHA-1 of the public key bits, as OpenSSL's subjectKeyIdentifier=hash", () => {
    // OpenSSL computed the reference cert's SKI; ours must compute the same from its public key.
    const ref = s.path("gmagency.crt");
    const opensslSki = s.must("x509", "-noout", "-ext", "subjectKeyIdentifier", "-in", ref);
    const publicKeyPem = s.must("x509", "-noout", "-pubkey", "-in", ref);
    const ski = keyIdentifier(parsePublicKeyPem(publicKeyPem)).toString("hex").toUpperCase().match(/../g)!.join(":");
    expect(opensslSki).toContain(`\n    ${ski}\n`);
  });
});

import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, parseCertificate } from "../../infra/crypto/certificate";
import { createChainAuthority, issuedCredential } from "../../infra/crypto/chain-pki";
import { AgencyCertKind, checkAgencyCsr, createAgencyCsr, issueAgencyCertificate, parseCsr } from "../../infra/crypto/csr";
import { generateEcKeyPair, loadPrivateKey } from "../../infra/crypto/keys";
import { derToPem, pemBlocks } from "../../infra/crypto/pem";
import type { ChainAuthorityPki } from "../../infra/crypto/types";
import type { Model } from "../../infra/topology/types";
import { DISTID, Scratch, asn1Skeleton, verifyLink } from "./openssl-harness";

function plan(smCrypto: boolean): Model {
  return {
    chain: { id: 1, smCrypto, smCryptoChannel: false, version: "2.11.1", certValidityDays: 3650, install: false, deleteDataOnRemove: false },
    hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/fisco" }],
    agencies: [{ name: "agencyD", nodes: ["node5"] }],
    nodes: [{ name: "node5", agency: "agencyD", host: "local", p2pPort: 30305, channelPort: 20205, rpcPort: 8550 }],
    groups: [],
  };
}
const GM_PLAN = plan(true);
const CURVE: Record<AgencyCertKind, "sm2" | "secp256k1"> = { gm: "sm2", std: "secp256k1" };
const SUBJECT: Record<AgencyCertKind, string> = { gm: "/CN=agencyD-gm/O=fisco-bcos/OU=agency", std: "/CN=agencyD/O=fisco-bcos/OU=agency" };

/**
 * `openssl req -verify` of a request: OpenSSL 3.0 exits 0 whether or not the self-signature
 * verifies and reports which on stderr, so the text is what tells.
 */
function opensslReqVerify(s: Scratch, csrPem: string, kind: AgencyCertKind): string {
  const file = s.file("verify.csr", csrPem);
  const args = ["req", "-verify", ...(kind === "gm" ? ["-vfyopt", DISTID] : []), "-noout", "-subject", "-in", file];
  const result = spawnSync("openssl", args, { cwd: s.dir, encoding: "utf8" });
  return `${result.stdout}${result.stderr}`;
}

/** Flips a bit in the last byte of the DER: inside the signature, so the request still parses. */
function tamperSignature(csrPem: string): string {
  const der = Buffer.from(pemBlocks(csrPem)[0].der);
  der[der.length - 1] ^= 0x01;
  return derToPem(der, "CERTIFICATE REQUEST");
}

describe("agency CSRs", () => {
  const s = new Scratch();
  const now = new Date("2026-01-01T00:00:00Z");
  let ca: ChainAuthorityPki;
  beforeAll(() => {
    ca = createChainAuthority(true, { validityDays: 3650, notBefore: now });
    s.file("req.cnf", "[req]\ndistinguished_name = dn\nstring_mask = utf8only\n[dn]\n");
    s.file("gmsm2.param", "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n");
  });
  afterAll(() => s.remove());

  /** An agency key and request made by openssl as an agency would by hand. */
  function opensslCsr(kind: AgencyCertKind, subject = SUBJECT[kind], sigopts = kind === "gm" ? ["-sigopt", DISTID] : []): { csr: string; keyPem: string } {
    if (kind === "gm") s.must("genpkey", "-paramfile", "gmsm2.param", "-out", "agency.key");
    else s.must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "agency.key");
    const digest = kind === "gm" ? "-sm3" : "-sha256";
    s.must("req", "-new", "-config", "req.cnf", "-key", "agency.key", digest, ...sigopts, "-subj", subject, "-out", "agency.csr");
    return { csr: s.must("req", "-in", "agency.csr"), keyPem: s.must("pkey", "-in", "agency.key") };
  }

  for (const kind of ["gm", "std"] as const) {
    describe(kind, () => {
      it("openssl verifies our request and reads the profile's subject from it", () => {
        const csr = createAgencyCsr("agencyD", kind, generateEcKeyPair(CURVE[kind]));
        const out = opensslReqVerify(s, csr, kind);
        expect(out).toContain("self-signature verify OK");
        expect(out).toContain("CN = " + (kind === "gm" ? "agencyD-gm" : "agencyD") + ", O = fisco-bcos, OU = agency");
        const text = s.must("req", "-noout", "-text", "-in", s.file(`ours-${kind}.csr`, csr));
        expect(text).toContain(kind === "gm" ? "SM2-with-SM3" : "ecdsa-with-SHA256");
      });

      it("we verify a request made by openssl, and the certificate issued from it verifies with openssl under the chain CA", () => {
        const { csr, keyPem } = opensslCsr(kind);
        const verified = checkAgencyCsr(csr, { agency: "agencyD", kind, plan: GM_PLAN });
        expect(verified.publicKeyHex).toBe(loadPrivateKey(keyPem).keyPair.publicKeyHex);
        const root = kind === "gm" ? ca.gm! : ca.std;
        const certPem = issueAgencyCertificate(verified, root, { validityDays: 365, notBefore: now });
        const result = verifyLink(s, certPem, root.certPem, kind === "gm");
        expect(result.output).toContain(": OK");
        // The certified key is the agency's: openssl sees the key file's public key in the certificate.
        expect(s.must("x509", "-noout", "-pubkey", "-in", s.file("issued.crt", certPem))).toBe(s.must("pkey", "-pubout", "-in", "agency.key"));
      });

      it("issues exactly what the single-stack path issues for the same key, serial and dates", () => {
        const key = generateEcKeyPair(CURVE[kind]);
        const root = kind === "gm" ? ca.gm! : ca.std;
        const profile = kind === "gm" ? "gmAgencyCa" : "agencyCa";
        const verified = checkAgencyCsr(createAgencyCsr("agencyD", kind, key), { agency: "agencyD", kind, plan: GM_PLAN });
        const fromCsr = issueAgencyCertificate(verified, root, { validityDays: 365, notBefore: now, serial: 4242n });
        const direct = issueCertificate({
          profile,
          subjectName: "agencyD",
          subjectPublicKeyPem: key.publicKeyPem,
          issuer: { certPem: root.certPem, privateKeyPem: root.key.privateKeyPem },
          validityDays: 365,
          notBefore: now,
          serial: 4242n,
        });
        // Signatures are randomised; everything they cover is byte for byte the same.
        const tbs = (pem: string) => Buffer.from(parseCertificate(pem).certificate.tbsCertificateRaw!);
        expect(tbs(fromCsr).equals(tbs(direct))).toBe(true);
        expect(asn1Skeleton(s, fromCsr)).toEqual(asn1Skeleton(s, issuedCredential(profile, key, root, { validityDays: 365 }, "agencyD").certPem));
      });

      it("refuses a request for another agency's subject, naming the field and the fix", () => {
        const csr = createAgencyCsr("agencyX", kind, generateEcKeyPair(CURVE[kind]));
        const cn = kind === "gm" ? "agencyD-gm" : "agencyD";
        const got = kind === "gm" ? "agencyX-gm" : "agencyX";
        expect(() => checkAgencyCsr(csr, { agency: "agencyD", kind, plan: GM_PLAN })).toThrow(
          `CSR for agencyD (${kind === "gm" ? "GM" : "standard"}): subject CN is "${got}", the approved plan says "${cn}"; fix: make the request again from agencyD's`,
        );
      });

      it("refuses an openssl request whose subject has extra or wrong attributes", () => {
        const { csr } = opensslCsr(kind, `${SUBJECT[kind]}/C=CN`);
        expect(() => checkAgencyCsr(csr, { agency: "agencyD", kind, plan: GM_PLAN })).toThrow(
          /subject has C=CN, which the agency certificate profile does not/,
        );
        const other = opensslCsr(kind, SUBJECT[kind].replace("OU=agency", "OU=node")).csr;
        expect(() => checkAgencyCsr(other, { agency: "agencyD", kind, plan: GM_PLAN })).toThrow(/subject OU is "node", the approved plan says "agency"/);
      });

      it("refuses a request whose signature does not verify", () => {
        const csr = tamperSignature(createAgencyCsr("agencyD", kind, generateEcKeyPair(CURVE[kind])));
        expect(parseCsr(csr).signatureValid).toBe(false);
        expect(() => checkAgencyCsr(csr, { agency: "agencyD", kind, plan: GM_PLAN })).toThrow(/its signature does not verify under the key it carries/);
        expect(opensslReqVerify(s, csr, kind)).toContain("self-signature verify failure");
      });

      it("refuses a request carrying the other key type", () => {
        const otherKind = kind === "gm" ? "std" : "gm";
        const csr = createAgencyCsr("agencyD", otherKind, generateEcKeyPair(CURVE[otherKind]));
        expect(() => checkAgencyCsr(csr, { agency: "agencyD", kind, plan: GM_PLAN })).toThrow(
          kind === "gm"
            ? /the key is secp256k1, the GM agency certificate needs a SM2 key/
            : /the key is sm2, the standard agency certificate needs a secp256k1 key/,
        );
      });
    });
  }

  it("refuses an SM2 request signed with another SM2 ID than FISCO's default", () => {
    const { csr } = opensslCsr("gm", SUBJECT.gm, ["-sigopt", "distid:0000000000000000"]);
    expect(() => checkAgencyCsr(csr, { agency: "agencyD", kind: "gm", plan: GM_PLAN })).toThrow(/default ID 1234567812345678/);
  });

  it("refuses an agency outside the approved plan and a GM request on a standard chain", () => {
    const csr = createAgencyCsr("agencyE", "std", generateEcKeyPair("secp256k1"));
    expect(() => checkAgencyCsr(csr, { agency: "agencyE", kind: "std", plan: GM_PLAN })).toThrow(
      "CSR for agencyE (standard): agencyE is not an agency of the approved plan; fix:",
    );
    const gm = createAgencyCsr("agencyD", "gm", generateEcKeyPair("sm2"));
    expect(() => checkAgencyCsr(gm, { agency: "agencyD", kind: "gm", plan: plan(false) })).toThrow(/does not use SM crypto/);
  });

  it("refuses text that is no request, and will not make a request with the wrong key type", () => {
    expect(() => checkAgencyCsr("hello", { agency: "agencyD", kind: "std", plan: GM_PLAN })).toThrow(/cannot be read \(no PEM certificate request/);
    expect(() => createAgencyCsr("agencyD", "gm", generateEcKeyPair("secp256k1"))).toThrow(/needs a sm2 key/);
  });

  it("a request holds no private key material", () => {
    const key = generateEcKeyPair("sm2");
    const csr = createAgencyCsr("agencyD", "gm", key);
    const der = pemBlocks(csr)[0].der.toString("hex");
    expect(der).not.toContain(loadPrivateKey(key.privateKeyPem).scalarHex);
    expect(csr).not.toMatch(/PRIVATE KEY/);
  });
});

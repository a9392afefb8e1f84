import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { AsnConvert } from "@peculiar/asn1-schema";
import { AlgorithmIdentifier, Certificate } from "@peculiar/asn1-x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importChainAuthority, importChainCa } from "../../infra/crypto/ca-import";
import { buildChainPki, selfSignedCredential } from "../../infra/crypto/chain-pki";
import { generateEcKeyPair } from "../../infra/crypto/keys";
import { derToPem, pemBlocks } from "../../infra/crypto/pem";
import type { Model } from "../../infra/topology/types";
import { DISTID, Scratch, verifyLink } from "./openssl-harness";

const GMCERT_CNF = `[ req ]
distinguished_name = dn
string_mask = utf8only
[ dn ]
[ v3_ca ]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints = CA:true
keyUsage = cRLSign, keyCertSign
[ v3_req ]
basicConstraints = CA:FALSE
keyUsage = nonRepudiation, digitalSignature
`;

const model: Model = {
  chain: { id: 1, smCrypto: true, smCryptoChannel: false, version: "2.11.1", certValidityDays: 365, install: false, deleteDataOnRemove: false },
  hosts: [{ name: "local", address: "127.0.0.1", connection: { kind: "local" }, deployDir: "/tmp/fisco" }],
  agencies: [{ name: "agencyA", nodes: ["node0"] }],
  nodes: [{ name: "node0", agency: "agencyA", host: "local", p2pPort: 30300, channelPort: 20200, rpcPort: 8545 }],
  groups: [],
};

describe("importChainAuthority", () => {
  const s = new Scratch();
  let n = 0;
  /** A fresh sub-folder of the scratch folder. */
  const folder = () => {
    const dir = path.join(s.dir, `ca${n++}`);
    mkdirSync(dir);
    return dir;
  };
  /** openssl in `dir`, with the shared cnf and SM2 parameters at hand. */
  const ossl = (dir: string, ...args: string[]) => s.must(...args.map((a) => a.replace("@", dir + "/")));

  beforeAll(() => {
    s.file("gmcert.cnf", GMCERT_CNF);
    s.file("cert.cnf", "[req]\ndistinguished_name = dn\n[dn]\n");
    s.file("gmsm2.param", "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n");
  });
  afterAll(() => s.remove());

  /** The CA pair as build_chain makes it (std: v1 root) and as its GM commands make it. */
  function opensslCa(dir: string, gm: { extensions?: string; sigopts?: string[] } = {}): void {
    ossl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:secp256k1", "-out", "@ca.key");
    ossl(
      dir,
      "req",
      "-new",
      "-x509",
      "-days",
      "36500",
      "-subj",
      "/CN=chain/O=fisco-bcos/OU=chain",
      "-key",
      "@ca.key",
      "-config",
      "cert.cnf",
      "-out",
      "@ca.crt",
    );
    ossl(dir, "genpkey", "-paramfile", "gmsm2.param", "-out", "@gmca.key");
    const ext = gm.extensions === "" ? [] : ["-extensions", gm.extensions ?? "v3_ca"];
    ossl(
      dir,
      "req",
      "-config",
      "gmcert.cnf",
      "-x509",
      "-days",
      "36500",
      "-subj",
      "/CN=gmchain/O=fisco-bcos/OU=chain",
      "-key",
      "@gmca.key",
      ...ext,
      "-out",
      "@gmca.crt",
      "-sm3",
      ...(gm.sigopts ?? ["-sigopt", DISTID]),
    );
  }

  it("accepts build_chain-style CAs made by openssl, and issues under them what openssl verifies", async () => {
    const dir = folder();
    opensslCa(dir);
    // An SM2 key in SEC1 form (OpenSSL 3 labels it SM2 PRIVATE KEY) is accepted too.
    ossl(dir, "ec", "-in", "@gmca.key", "-out", "@gmca.key");
    const ca = importChainAuthority(dir, { smCrypto: true });
    expect(ca.gm!.key.algorithm).toBe("sm2");
    expect(ca.gm!.key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(ca.std.certPem).toBe(readFileSync(path.join(dir, "ca.crt"), "utf8"));

    const pki = await buildChainPki(model, { ca });
    expect(pki.authority).toBe(ca);
    expect(verifyLink(s, pki.agencies[0].gm!.certPem, ca.gm!.certPem, true).output).toContain(": OK");
    expect(verifyLink(s, pki.agencies[0].std.certPem, ca.std.certPem).output).toContain(": OK");
  });

  it("accepts a CA made by this module; without smCrypto only ca.* is read", () => {
    const dir = folder();
    const std = selfSignedCredential("chainCa", generateEcKeyPair("secp256k1"), { validityDays: 10 });
    writeFileSync(path.join(dir, "ca.crt"), std.certPem);
    writeFileSync(path.join(dir, "ca.key"), std.key.privateKeyPem);
    const ca = importChainAuthority(dir, { smCrypto: false });
    expect(ca.gm).toBeUndefined();
    expect(ca.std).toEqual(std);
  });

  it("names a missing file", () => {
    const dir = folder();
    expect(() => importChainCa(dir, "gm")).toThrow(`${path.join(dir, "gmca.key")}: cannot be read (ENOENT)`);
  });

  it("refuses an expired CA, and one not valid yet", () => {
    const dir = folder();
    const day = 86_400_000;
    const write = (notBefore: Date) => {
      const std = selfSignedCredential("chainCa", generateEcKeyPair("secp256k1"), { validityDays: 1, notBefore });
      writeFileSync(path.join(dir, "ca.crt"), std.certPem);
      writeFileSync(path.join(dir, "ca.key"), std.key.privateKeyPem);
    };
    write(new Date(Date.now() - 3 * day));
    expect(() => importChainCa(dir, "std")).toThrow(
      new RegExp(`^${path.join(dir, "ca.crt")}: expired on \\d{4}-\\d\\d-\\d\\dT.*Fix: re-issue the CA certificate from ca.key`),
    );
    write(new Date(Date.now() + 3 * day));
    expect(() => importChainCa(dir, "std")).toThrow(/ca\.crt: is not valid before .*Fix: check this machine's clock/);
  });

  it("refuses the wrong curve: a secp256k1 pair given as gmca", () => {
    const dir = folder();
    opensslCa(dir);
    writeFileSync(path.join(dir, "gmca.key"), readFileSync(path.join(dir, "ca.key")));
    writeFileSync(path.join(dir, "gmca.crt"), readFileSync(path.join(dir, "ca.crt")));
    expect(() => importChainCa(dir, "gm")).toThrow(/gmca\.key: key is secp256k1, expected sm2\. Fix: use a sm2 key: openssl genpkey -paramfile gmsm2\.param/);
  });

  it("refuses a key that does not belong to the certificate", () => {
    const dir = folder();
    opensslCa(dir);
    ossl(dir, "genpkey", "-paramfile", "gmsm2.param", "-out", "@gmca.key");
    expect(() => importChainCa(dir, "gm")).toThrow(/gmca\.key: does not belong to gmca\.crt \(different public key\)\. Fix: /);
  });

  it("refuses a certificate that is not a CA (CA:FALSE, or a GM root without extensions)", () => {
    const dir = folder();
    opensslCa(dir, { extensions: "v3_req" });
    expect(() => importChainCa(dir, "gm")).toThrow(/gmca\.crt: is not a CA \(basicConstraints CA:FALSE\)\. Fix: re-issue it with basicConstraints=CA:TRUE/);
    const v1 = folder();
    opensslCa(v1, { extensions: "" });
    expect(s.must("x509", "-noout", "-text", "-in", path.join(v1, "gmca.crt"))).toContain("Version: 1 (0x0)");
    expect(() => importChainCa(v1, "gm")).toThrow(/gmca\.crt: is not a CA \(no basicConstraints extension\)/);
    // The same v1 shape is what build_chain makes for ca.crt, and it is accepted there.
    expect(() => importChainCa(v1, "std")).not.toThrow();
  });

  it("refuses a root signed with the wrong algorithm", () => {
    // Standard root with SHA-1, as an old tool might make it.
    const dir = folder();
    opensslCa(dir);
    ossl(
      dir,
      "req",
      "-new",
      "-x509",
      "-sha1",
      "-days",
      "365",
      "-subj",
      "/CN=chain/O=fisco-bcos/OU=chain",
      "-key",
      "@ca.key",
      "-config",
      "cert.cnf",
      "-out",
      "@ca.crt",
    );
    expect(s.must("x509", "-noout", "-text", "-in", path.join(dir, "ca.crt"))).toContain("Signature Algorithm: ecdsa-with-SHA1");
    expect(() => importChainCa(dir, "std")).toThrow(
      /ca\.crt: is signed with ecdsa-with-SHA1, expected ecdsa-with-SHA256 or .*Fix: re-issue it: openssl req -new -x509 -sha256/,
    );

    // GM root labelled ecdsa-with-SHA256 (OpenSSL 3 cannot make one, so the label is edited in).
    const ours = selfSignedCredential("gmChainCa", generateEcKeyPair("sm2"), { validityDays: 10 });
    const cert = AsnConvert.parse(pemBlocks(ours.certPem)[0].der, Certificate);
    cert.signatureAlgorithm = new AlgorithmIdentifier({ algorithm: "1.2.840.10045.4.3.2" });
    cert.tbsCertificate.signature = cert.signatureAlgorithm;
    writeFileSync(path.join(dir, "gmca.crt"), derToPem(AsnConvert.serialize(cert), "CERTIFICATE"));
    writeFileSync(path.join(dir, "gmca.key"), ours.key.privateKeyPem);
    expect(s.must("x509", "-noout", "-text", "-in", path.join(dir, "gmca.crt"))).toContain("Signature Algorithm: ecdsa-with-SHA256");
    expect(() => importChainCa(dir, "gm")).toThrow(/gmca\.crt: is signed with ecdsa-with-SHA256, expected SM2-with-SM3\. Fix: re-issue it: /);
  });

  it("refuses a GM root self-signed without FISCO's SM2 user ID (OpenSSL 3 default: empty ID)", () => {
    const dir = folder();
    opensslCa(dir, { sigopts: [] });
    expect(() => importChainCa(dir, "gm")).toThrow(/gmca\.crt: its self-signature does not verify \(SM2 with the default user ID 1234567812345678\)/);
  });
});

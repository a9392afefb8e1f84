import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateEcKeyPair, generateKey, loadPrivateKey } from "../../infra/crypto/keys";
import { nodeIdFromPrivateKey } from "../../infra/crypto/node-id";
import { SM2_DEFAULT_USER_ID, sm2Sign, sm2Verify } from "../../infra/crypto/sm2";
import { DISTID, Scratch } from "./openssl-harness";

const vectors = JSON.parse(readFileSync(path.join(__dirname, "../fixtures/fisco-2x-vectors.json"), "utf8")) as {
  gm_keys: Record<string, { private_key: string; public_key: string }>;
  ecdsa_keys: Record<string, { private_key: string; public_key: string }>;
};

const s = new Scratch();
afterAll(() => s.remove());

/** openssl's own reading of a key file: its curve name and `pub:` point without the 04. */
function opensslEcView(keyPem: string): { curve: string; point: string } {
  const text = s.must("ec", "-text", "-noout", "-in", s.file("view.key", keyPem));
  const point = /pub:\n([\s0-9a-f:]+)/.exec(text)![1].replace(/[\s:]/g, "").slice(2);
  return { curve: /ASN1 OID: (\S+)/.exec(text)![1], point };
}

/** A SEC1 key with the curve but without the public point, written by openssl from a raw scalar. */
function sec1FromScalar(scalarHex: string, curveOid: string): string {
  s.file("key.conf", `asn1=SEQUENCE:key\n[key]\nversion=INTEGER:1\npriv=FORMAT:HEX,OCTETSTRING:${scalarHex}\ncurve=EXPLICIT:0,OID:${curveOid}\n`);
  s.must("asn1parse", "-genconf", "key.conf", "-out", "key.der", "-noout");
  return `-----BEGIN EC PRIVATE KEY-----\n${readFileSync(s.path("key.der")).toString("base64")}\n-----END EC PRIVATE KEY-----\n`;
}

describe("generated keys", () => {
  it.each(["sm2", "secp256k1"] as const)("%s: PKCS#8 PEM that openssl reads as the right curve with the same point", (curve) => {
    const key = generateEcKeyPair(curve);
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const view = opensslEcView(key.privateKeyPem);
    expect(view.curve).toBe(curve === "sm2" ? "SM2" : "secp256k1");
    expect(key.publicKeyHex).toBe(view.point);
    expect(s.must("pkey", "-pubout", "-in", s.path("view.key"))).toBe(key.publicKeyPem);
    expect(s.must("asn1parse", "-in", s.path("view.key"))).toMatch(curve === "sm2" ? /OBJECT\s+:sm2\n/ : /OBJECT\s+:secp256k1\n/);
  });

  it("rsa2048: PKCS#8 PEM of a 2048-bit key", async () => {
    const key = await generateKey("rsa2048");
    expect(key.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.publicKeyHex).toBeUndefined();
    const text = s.must("pkey", "-text", "-noout", "-in", s.file("rsa.key", key.privateKeyPem));
    expect(text).toContain("Private-Key: (2048 bit, 2 primes)");
  });

  it("never yields a private scalar with a leading zero byte (build_chain's filter)", () => {
    // Without the filter about 1 key in 256 has one: 1500 keys pass by chance with p < 0.3%.
    for (let i = 0; i < 1500; i++) {
      expect(loadPrivateKey(generateEcKeyPair("sm2").privateKeyPem).scalarHex!.slice(0, 2)).not.toBe("00");
    }
  });

  it("left-pads public coordinates that start with a zero byte (node ID stays 128 hex)", () => {
    const found: Record<"x" | "y", string | undefined> = { x: undefined, y: undefined };
    for (let i = 0; i < 20_000 && !(found.x && found.y); i++) {
      const key = generateEcKeyPair("sm2");
      if (key.publicKeyHex!.startsWith("00")) found.x ??= key.privateKeyPem;
      if (key.publicKeyHex!.slice(64, 66) === "00") found.y ??= key.privateKeyPem;
    }
    for (const pem of [found.x, found.y]) {
      expect(pem).toBeDefined();
      const id = nodeIdFromPrivateKey(pem!);
      expect(id).toHaveLength(128);
      expect(id).toBe(opensslEcView(pem!).point);
    }
    expect(nodeIdFromPrivateKey(found.x!).slice(0, 2)).toBe("00");
    expect(nodeIdFromPrivateKey(found.y!).slice(64, 66)).toBe("00");
  });
});

describe("loadPrivateKey", () => {
  it.each([
    ["SM2", vectors.gm_keys.pysdk_test_key, "1.2.156.10197.1.301", "sm2"],
    ["SM2 scalar 1", vectors.gm_keys.one, "1.2.156.10197.1.301", "sm2"],
    ["secp256k1", vectors.ecdsa_keys.ecdsa_key_1, "1.3.132.0.10", "secp256k1"],
  ] as const)("%s SEC1 key without public point: derives the FISCO vector's public key", (_, vector, oid, algorithm) => {
    const loaded = loadPrivateKey(sec1FromScalar(vector.private_key, oid));
    expect(loaded.keyPair.algorithm).toBe(algorithm);
    expect(loaded.keyPair.publicKeyHex).toBe(vector.public_key);
    expect(loaded.scalarHex).toBe(vector.private_key);
    // Normalised to PKCS#8 that openssl reads back to the same point.
    expect(loaded.keyPair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(opensslEcView(loaded.keyPair.privateKeyPem).point).toBe(vector.public_key);
  });

  it("reads openssl genpkey PKCS#8 and openssl ec SEC1 output of both curves, told apart by curve OID", () => {
    s.file("sm2.param", "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n");
    s.must("genpkey", "-paramfile", "sm2.param", "-out", "sm2.key");
    s.must("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1-sec1.key");
    s.must("ec", "-in", "sm2.key", "-out", "sm2-sec1.key");
    const sm2Pkcs8 = readFileSync(s.path("sm2.key"), "utf8");
    const sm2Sec1 = readFileSync(s.path("sm2-sec1.key"), "utf8");
    const k1Sec1 = readFileSync(s.path("k1-sec1.key"), "utf8");
    expect(sm2Sec1).toContain("BEGIN SM2 PRIVATE KEY"); // OpenSSL 3's SEC1 label for SM2
    expect(loadPrivateKey(sm2Pkcs8).keyPair.algorithm).toBe("sm2");
    expect(loadPrivateKey(sm2Sec1).keyPair.algorithm).toBe("sm2");
    expect(loadPrivateKey(k1Sec1).keyPair.algorithm).toBe("secp256k1");
    expect(loadPrivateKey(sm2Sec1).keyPair.privateKeyPem).toBe(sm2Pkcs8);
    expect(loadPrivateKey(k1Sec1).keyPair.publicKeyHex).toBe(opensslEcView(k1Sec1).point);
  });

  it("reads RSA keys in PKCS#1 form", () => {
    s.must("genrsa", "-traditional", "-out", "rsa1.key", "2048");
    const pem = readFileSync(s.path("rsa1.key"), "utf8");
    expect(pem).toContain("BEGIN RSA PRIVATE KEY");
    expect(loadPrivateKey(pem).keyPair.algorithm).toBe("rsa2048");
  });

  it("rejects other curves, encrypted keys and non-keys with a reason", () => {
    s.must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p256.key");
    expect(() => loadPrivateKey(readFileSync(s.path("p256.key"), "utf8"))).toThrow(/1\.2\.840\.10045\.3\.1\.7 is neither SM2 nor secp256k1/);
    s.must("pkcs8", "-topk8", "-in", "p256.key", "-passout", "pass:x", "-out", "enc.key");
    expect(() => loadPrivateKey(readFileSync(s.path("enc.key"), "utf8"))).toThrow(/ENCRYPTED PRIVATE KEY is not supported/);
    expect(() => loadPrivateKey("hello")).toThrow(/no PEM private key/);
  });
});

describe("SM2 signatures", () => {
  it(`are accepted by openssl with distid ${SM2_DEFAULT_USER_ID}, and ours accepts openssl's`, () => {
    const key = generateEcKeyPair("sm2");
    const { scalarHex } = loadPrivateKey(key.privateKeyPem);
    const message = Buffer.from("FISCO BCOS TBSCertificate stand-in");
    s.file("msg", message);
    s.file("pub.pem", key.publicKeyPem);
    s.file("sm2sig.key", key.privateKeyPem);
    const verifyArgs = ["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", "pub.pem", "-in", "msg", "-sigfile", "sig"];

    s.file("sig", sm2Sign(message, scalarHex!, key.publicKeyHex!));
    expect(s.run(...verifyArgs, "-pkeyopt", DISTID).output).toContain("Signature Verified Successfully");
    expect(s.run(...verifyArgs).ok).toBe(false); // the ID is part of what is signed

    s.must("pkeyutl", "-sign", "-rawin", "-digest", "sm3", "-inkey", "sm2sig.key", "-in", "msg", "-out", "osig", "-pkeyopt", DISTID);
    const opensslSig = readFileSync(s.path("osig"));
    expect(sm2Verify(message, opensslSig, key.publicKeyHex!)).toBe(true);
    expect(sm2Verify(Buffer.from("other message"), opensslSig, key.publicKeyHex!)).toBe(false);
  });
});

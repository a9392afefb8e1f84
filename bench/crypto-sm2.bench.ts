/**
 * Evidence for the SM2 library choice (infra/crypto/sm2.ts):
 *  1. sign/verify speed of sm-crypto 0.3.13 (the design card's baseline) vs sm-crypto-v2;
 *  2. both produce signatures the other accepts;
 *  3. OpenSSL 3, verifying with FISCO's default SM2 user ID (distid 1234567812345678), accepts
 *     both libraries' signatures but rejects node:crypto's, whichever way the key was made.
 * Run: npx tsx bench/crypto-sm2.bench.ts
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { sm2 as smV2 } from "sm-crypto-v2";
import { SM2_DEFAULT_USER_ID } from "../infra/crypto/sm2";

/** sm-crypto 0.3.13 ships no types; only the two calls used here are declared. */
interface SmCryptoSm2 {
  doSignature(msg: number[], privateKey: string, options: { der: boolean; hash: boolean; publicKey: string }): string;
  doVerifySignature(msg: number[], signature: string, publicKey: string, options: { der: boolean; hash: boolean }): boolean;
}
const smV1 = (require("sm-crypto") as { sm2: SmCryptoSm2 }).sm2;

function timeEach(label: string, runs: number, fn: () => unknown): void {
  fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(`${label.padEnd(32)} ${((performance.now() - start) / runs).toFixed(3)} ms/op (${runs} runs)`);
}

function main(): void {
  const message = crypto.randomBytes(400); // about the size of a TBSCertificate
  const { privateKey, publicKey } = smV2.generateKeyPairHex();

  console.log("== speed (SM2 with Z over the default user ID, DER signature)");
  const v1Sig = smV1.doSignature([...message], privateKey, { der: true, hash: true, publicKey });
  const v2Sig = smV2.doSignature(message, privateKey, { der: true, hash: true, publicKey });
  timeEach("sm-crypto 0.3.13 sign", 20, () => smV1.doSignature([...message], privateKey, { der: true, hash: true, publicKey }));
  timeEach("sm-crypto 0.3.13 verify", 20, () => smV1.doVerifySignature([...message], v1Sig, publicKey, { der: true, hash: true }));
  timeEach("sm-crypto-v2 1.15.1 sign", 300, () => smV2.doSignature(message, privateKey, { der: true, hash: true, publicKey }));
  timeEach("sm-crypto-v2 1.15.1 verify", 300, () => smV2.doVerifySignature(message, v2Sig, publicKey, { der: true, hash: true }));

  console.log("\n== cross-verification");
  console.log("sm-crypto-v2 accepts sm-crypto's signature:", smV2.doVerifySignature(message, v1Sig, publicKey, { der: true, hash: true }));
  console.log("sm-crypto accepts sm-crypto-v2's signature:", smV1.doVerifySignature([...message], v2Sig, publicKey, { der: true, hash: true }));

  console.log(`\n== openssl pkeyutl -verify -digest sm3 -pkeyopt distid:${SM2_DEFAULT_USER_ID}`);
  const dir = mkdtempSync(path.join(tmpdir(), "sm2-bench-"));
  try {
    // The same key in every form: raw hex for the JS libraries, PEM for node and openssl.
    const pkcs8 = sm2Pkcs8Pem(privateKey, publicKey);
    const loadedKey = crypto.createPrivateKey(pkcs8);
    const generated = crypto.generateKeyPairSync("ec", { namedCurve: "SM2" });
    writeFileSync(path.join(dir, "msg"), message);
    writeFileSync(path.join(dir, "pub.pem"), crypto.createPublicKey(pkcs8).export({ type: "spki", format: "pem" }));
    writeFileSync(path.join(dir, "gen-pub.pem"), generated.publicKey.export({ type: "spki", format: "pem" }));

    const cases: [string, Buffer, string][] = [
      ["sm-crypto-v2", Buffer.from(v2Sig, "hex"), "pub.pem"],
      ["sm-crypto 0.3.13", Buffer.from(v1Sig, "hex"), "pub.pem"],
      ["node:crypto, key loaded from PEM", crypto.sign("sm3", message, loadedKey), "pub.pem"],
      ["node:crypto, generateKeyPair key", crypto.sign("sm3", message, generated.privateKey), "gen-pub.pem"],
    ];
    for (const [label, signature, pub] of cases) {
      writeFileSync(path.join(dir, "sig"), signature);
      const withId = opensslVerify(dir, pub, [`distid:${SM2_DEFAULT_USER_ID}`]);
      const emptyId = opensslVerify(dir, pub, []);
      console.log(`${label.padEnd(34)} default ID: ${withId.padEnd(26)} empty ID: ${emptyId}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PKCS#8 for the hex key pair, built with openssl so this script depends on nothing of ours. */
function sm2Pkcs8Pem(privateKeyHex: string, publicKeyHex: string): string {
  // SEC1 ECPrivateKey with named curve SM2, in openssl's asn1parse -genconf syntax.
  const conf = [
    "asn1=SEQUENCE:key",
    "[key]",
    "version=INTEGER:1",
    `priv=FORMAT:HEX,OCTETSTRING:${privateKeyHex}`,
    "curve=EXPLICIT:0,OID:1.2.156.10197.1.301",
    `pub=EXPLICIT:1,FORMAT:HEX,BITSTRING:${publicKeyHex}`,
  ].join("\n");
  const dir = mkdtempSync(path.join(tmpdir(), "sm2-key-"));
  try {
    writeFileSync(path.join(dir, "key.conf"), conf);
    execFileSync("openssl", ["asn1parse", "-genconf", path.join(dir, "key.conf"), "-out", path.join(dir, "key.der"), "-noout"]);
    return execFileSync("openssl", ["pkey", "-inform", "DER", "-in", path.join(dir, "key.der")], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function opensslVerify(dir: string, pub: string, pkeyopts: string[]): string {
  const args = ["pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", path.join(dir, pub)];
  args.push("-in", path.join(dir, "msg"), "-sigfile", path.join(dir, "sig"));
  for (const opt of pkeyopts) args.push("-pkeyopt", opt);
  try {
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (e) {
    const out = (e as { stdout?: string }).stdout?.trim();
    return out || "Signature Verification Failure";
  }
}

main();

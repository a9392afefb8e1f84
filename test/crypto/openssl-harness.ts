/** Running the real `openssl` binary on files in a scratch folder, for the crypto tests. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const DISTID = "distid:1234567812345678";

export interface OpensslResult {
  ok: boolean;
  /** stdout and stderr together: openssl reports verify errors on either. */
  output: string;
}

export class Scratch {
  readonly dir = mkdtempSync(path.join(tmpdir(), "bcos-crypto-test-"));

  file(name: string, content: string | Buffer): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content);
    return file;
  }

  path(name: string): string {
    return path.join(this.dir, name);
  }

  /** Runs openssl with `args` in the scratch folder; never throws on a non-zero exit. */
  run(...args: string[]): OpensslResult {
    try {
      const out = execFileSync("openssl", args, { cwd: this.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return { ok: true, output: out };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, output: `${err.stdout ?? ""}${err.stderr ?? ""}` };
    }
  }

  /** Like run, but the test fails with openssl's output when openssl fails. */
  must(...args: string[]): string {
    const result = this.run(...args);
    if (!result.ok) throw new Error(`openssl ${args.join(" ")} failed:\n${result.output}`);
    return result.output;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `openssl x509 -text` of a PEM certificate. */
export function certText(scratch: Scratch, certPem: string): string {
  return scratch.must("x509", "-noout", "-text", "-in", scratch.file("text.crt", certPem));
}

/** Verifies `certPem` against `issuerPem` alone (one link of a chain), SM2 with FISCO's default ID. */
export function verifyLink(scratch: Scratch, certPem: string, issuerPem: string, sm2 = false): OpensslResult {
  const cert = scratch.file("link.crt", certPem);
  const issuer = scratch.file("link-issuer.crt", issuerPem);
  const selfCheck = certPem === issuerPem;
  return scratch.run("verify", ...(sm2 ? ["-vfyopt", DISTID] : []), ...(selfCheck ? [] : ["-partial_chain"]), "-CAfile", issuer, cert);
}

/**
 * The ASN.1 skeleton of a DER/PEM object: depth, constructed/primitive, type, and the value for
 * OIDs, strings and booleans; lengths, offsets, keys, serials and signatures left out. Two
 * certificates with the same skeleton differ only in key material and dates.
 */
export function asn1Skeleton(scratch: Scratch, pem: string): string[] {
  const out = scratch.must("asn1parse", "-i", "-in", scratch.file("skeleton.pem", pem));
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const m = /d=(\d+)\s+hl=\d+\s+l=\s*\d+\s+(cons|prim):\s*(.*)$/.exec(line);
      if (!m) throw new Error(`unexpected asn1parse line: ${line}`);
      const [, depth, form, rest] = m;
      const [type, ...value] = rest.trim().split(/\s*:/);
      const keep = /OBJECT|STRING|BOOLEAN/.test(type) && !/OCTET|BIT/.test(type);
      return `${depth} ${form} ${type.trim()}${keep ? " " + value.join(":") : ""}`;
    });
}

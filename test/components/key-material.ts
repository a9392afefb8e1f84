/**
 * A search for private-key material in registered values: PEM private-key headers and the raw
 * private values (EC scalar, RSA private exponent) as hex. Secret envelopes are where keys
 * belong, so the search does not look inside them unless told to.
 */
import { createPrivateKey } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { loadPrivateKey } from "../../infra/crypto/keys";

const PEM_PRIVATE = "PRIVATE KEY";

/** The raw private value of a PEM private key, as lowercase hex. */
export function privateValueHex(privateKeyPem: string): string {
  const { scalarHex } = loadPrivateKey(privateKeyPem);
  if (scalarHex) return scalarHex;
  const { d } = createPrivateKey(privateKeyPem).export({ format: "jwk" });
  if (!d) throw new Error("RSA key without a private exponent");
  return Buffer.from(d, "base64url").toString("hex");
}

export interface ScanOptions {
  /** Private values (hex) to look for besides PEM headers. */
  needles: string[];
  /** Look inside secret envelopes too (to show the material is there at all). */
  openSecrets?: boolean;
  /** Paths allowed to hold key material. */
  allowed?: (path: string) => boolean;
}

/** Paths (`a.b[2].c`) of every string holding key material, outside secrets unless opened. */
export function keyMaterialPaths(value: unknown, options: ScanOptions, path = ""): string[] {
  if (options.allowed?.(path)) return [];
  if (pulumi.runtime.isRpcSecret(value)) {
    return options.openSecrets ? keyMaterialPaths(pulumi.runtime.unwrapRpcSecret(value), options, path) : [];
  }
  if (typeof value === "string") {
    const text = value.toLowerCase();
    const found = value.includes(PEM_PRIVATE) || options.needles.some((hex) => text.includes(hex));
    return found ? [path] : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => keyMaterialPaths(item, options, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => keyMaterialPaths(item, options, path ? `${path}.${key}` : key));
  }
  return [];
}

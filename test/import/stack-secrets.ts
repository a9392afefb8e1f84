/**
 * Decrypting a stack file's secrets the way the pulumi CLI does for the passphrase provider
 * (PBKDF2-SHA256, 1,000,000 rounds; AES-256-GCM), written from the format, independently of
 * infra/import/pulumi-secrets.ts. The real-engine test checks the same files with `pulumi config get`.
 */
import { createDecipheriv, pbkdf2Sync } from "node:crypto";

function decrypt(key: Buffer, value: string): string {
  const [version, nonce, sealed] = value.split(":");
  if (version !== "v1") throw new Error(`unknown secret version in ${value}`);
  const bytes = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}

/** The stack key derived from `encryptionsalt`; throws when the passphrase is wrong. */
export function stackKey(encryptionSalt: string, passphrase: string): Buffer {
  const [version, salt] = encryptionSalt.split(":");
  if (version !== "v1") throw new Error(`unknown salt version in ${encryptionSalt}`);
  const key = pbkdf2Sync(passphrase, Buffer.from(salt, "base64"), 1_000_000, 32, "sha256");
  let check: string | undefined;
  try {
    check = decrypt(key, encryptionSalt.split(":").slice(2).join(":"));
  } catch {
    // GCM authentication fails under a wrong key.
  }
  if (check !== "pulumi") throw new Error("incorrect passphrase");
  return key;
}

/** `value` with every `{ secure: … }` leaf replaced by its plaintext. */
export function revealSecrets(value: unknown, key: Buffer): unknown {
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === "secure" && typeof entries[0][1] === "string") return decrypt(key, entries[0][1]);
  return Object.fromEntries(entries.map(([k, v]) => [k, revealSecrets(v, key)]));
}

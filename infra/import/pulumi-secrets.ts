/**
 * Pulumi's passphrase secrets format, so `import` can write a stack file whose secrets the pulumi
 * CLI decrypts with the stack's passphrase (PULUMI_CONFIG_PASSPHRASE), without the CLI or a
 * backend being present. As in pulumi 3.248 (sdk/go/common/resource/config/crypt.go,
 * pkg/secrets/passphrase/manager.go):
 *   key             = PBKDF2-HMAC-SHA256(passphrase, salt (8 random bytes), 1,000,000 rounds, 32 bytes)
 *   secret value    = "v1:" + base64(12-byte nonce) + ":" + base64(AES-256-GCM ciphertext || tag)
 *   encryptionsalt  = "v1:" + base64(salt) + ":" + <the secret value of the text "pulumi">
 * The CLI checks a passphrase by decrypting "pulumi" from the salt line.
 */
import { createCipheriv, pbkdf2Sync, randomBytes } from "node:crypto";

const ROUNDS = 1_000_000;

export class PassphraseCrypter {
  /** The stack file's `encryptionsalt:` value. */
  readonly encryptionSalt: string;
  private readonly key: Buffer;

  /** Derives a fresh key (about half a second: PBKDF2 is slow on purpose). */
  constructor(passphrase: string) {
    const salt = randomBytes(8);
    this.key = pbkdf2Sync(passphrase, salt, ROUNDS, 32, "sha256");
    this.encryptionSalt = `v1:${salt.toString("base64")}:${this.encrypt("pulumi")}`;
  }

  /** A `secure:` value for the stack file. */
  encrypt(plaintext: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, nonce);
    const sealed = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return `v1:${nonce.toString("base64")}:${sealed.toString("base64")}`;
  }
}

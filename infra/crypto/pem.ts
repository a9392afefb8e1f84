/** PEM armour: splitting text into labelled DER blocks and wrapping DER back. */

export interface PemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block in `text`, in order; text around the blocks (e.g. `openssl x509 -text`) is ignored. */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((m) => ({
    label: m[1],
    der: Buffer.from(m[2].replace(/\s+/g, ""), "base64"),
  }));
}

/** PEM with 64-column base64 lines and a final newline, as OpenSSL writes it. */
export function derToPem(der: Uint8Array | ArrayBuffer, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

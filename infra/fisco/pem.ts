/** PEM helpers for the files FISCO reads: certificate chains and the informational serial file. */
import { X509Certificate } from "node:crypto";

/** A PEM block as file content: surrounding whitespace dropped, exactly one trailing newline. */
export function pemFile(pem: string): string {
  return `${pem.trim()}\n`;
}

/** Concatenated PEM blocks, leaf first (`node.crt` = node + agency + chain CA). */
export function pemChain(...pems: string[]): string {
  return pems.map(pemFile).join("");
}

/** A credential's certificate file: as adopted when it was, else the leaf and the given chain. */
export function certFile(credential: { certPem: string; chainPem?: string }, ...chain: string[]): string {
  return credential.chainPem ?? pemChain(credential.certPem, ...chain);
}

/**
 * Serial number of a certificate as build_chain writes it to `gmnode.serial`: upper-case hex
 * without separators (OpenSSL's byte dump of the serial, leading zero bytes dropped).
 */
export function certSerialHex(pem: string): string {
  try {
    return new X509Certificate(pem).serialNumber.toUpperCase();
  } catch (err) {
    throw new Error(`cannot read the serial number of a certificate: ${(err as Error).message}`);
  }
}

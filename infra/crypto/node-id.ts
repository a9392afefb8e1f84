/**
 * FISCO node IDs (reference §5): the uncompressed public point X||Y as 128 lowercase hex. The
 * node computes its own ID from its key file; peers compute it from its certificate. Both must agree.
 */
import { parseCertificate } from "./certificate";
import { loadPrivateKey } from "./keys";
import { describePublicKey } from "./public-key";

export function nodeIdFromPrivateKey(privateKeyPem: string): string {
  const { keyPair } = loadPrivateKey(privateKeyPem);
  if (!keyPair.publicKeyHex) throw new Error(`a ${keyPair.algorithm} key has no node ID; use an SM2 or secp256k1 key`);
  return keyPair.publicKeyHex;
}

/** From the first certificate of `certPem` (a node.crt chain starts with the node's own cert). */
export function nodeIdFromCertificate(certPem: string): string {
  const { pointHex, kind } = describePublicKey(parseCertificate(certPem).certificate.tbsCertificate.subjectPublicKeyInfo);
  if (!pointHex) throw new Error(`certificate key (${kind}) is not an uncompressed EC point; it has no node ID`);
  return pointHex;
}

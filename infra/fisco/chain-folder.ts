/**
 * The `chain/` folder: the chain CA certificates every member needs to trust, and their keys only
 * when the CA was generated here (a CA brought with `--ca` stays where its owner keeps it).
 */
import type { ChainPki } from "../crypto/types";
import { pemFile } from "./pem";
import { PRIVATE_MODE, PUBLIC_MODE, type RenderedFile } from "./rendered-file";

export function renderChainFolder(pki: ChainPki, includeKeys: boolean): RenderedFile[] {
  const { std, gm } = pki.authority;
  const files: RenderedFile[] = [{ path: "chain/ca.crt", content: pemFile(std.certPem), mode: PUBLIC_MODE }];
  if (gm) files.push({ path: "chain/gmca.crt", content: pemFile(gm.certPem), mode: PUBLIC_MODE });
  if (includeKeys) {
    files.push({ path: "chain/ca.key", content: pemFile(std.key.privateKeyPem), mode: PRIVATE_MODE });
    if (gm) files.push({ path: "chain/gmca.key", content: pemFile(gm.key.privateKeyPem), mode: PRIVATE_MODE });
  }
  return files;
}

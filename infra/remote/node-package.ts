/** A node's folder as the install script reads it on stdin. */
import type { ChainPki } from "../crypto/types";
import { renderNodeFolder } from "../fisco/node-folder";
import { tarGz } from "../fisco/tarball";
import type { Model } from "../topology/types";

/**
 * Base64 of the node folder's tar.gz (paths `<node>/…`), with every group's genesis exactly as
 * frozen in state. It holds the node's private keys: callers keep it secret.
 */
export async function nodePackageBase64(model: Model, pki: ChainPki, nodeName: string, frozenGenesis: Record<number, string>): Promise<string> {
  const files = renderNodeFolder(model, pki, nodeName, {}, { genesisOverride: frozenGenesis });
  return (await tarGz(files)).toString("base64");
}

/**
 * The enterprise generator's packages (reference §1.4): `node_<p2p ip>_<p2p port>/` folders side
 * by side, and the organisation's `meta/` certificates (`<dir>/meta`, or elsewhere via --cert-dir).
 * The folder name carries the address other nodes list for the node.
 */
import * as path from "node:path";
import { isFolder, isNodeFolder, subfolders } from "./folders";
import type { ChainFolders } from "./layout";

const PACKAGE_NAME = /^node_(.+)_(\d+)$/;

export function readGeneratorFolders(from: string): ChainFolders {
  const nodes = subfolders(from)
    .filter((name) => PACKAGE_NAME.test(name) && isNodeFolder(path.join(from, name)))
    .map((name) => ({ dir: path.join(from, name), label: name, hostAddress: PACKAGE_NAME.exec(name)![1], folderName: name }));
  const meta = path.join(from, "meta");
  return { layout: "generator", nodes, sdks: [], certDirs: isFolder(meta) ? [meta] : [] };
}

export function isGeneratorOutput(from: string): boolean {
  return subfolders(from).some((name) => PACKAGE_NAME.test(name) && isNodeFolder(path.join(from, name)));
}

/**
 * build_chain.sh 2.x output (reference §1.1): `<dir>/<ip>/node<N>/` (or `node_<ip>_<port>/` with
 * -D) per host, `<dir>/<ip>/sdk/`, and the CA folders `<dir>/cert/` and `<dir>/gmcert/`. The host
 * folder's name is the address the other nodes list for it.
 */
import * as path from "node:path";
import { isFolder, isNodeFolder, subfolders } from "./folders";
import type { ChainFolders } from "./layout";

const CA_FOLDERS = ["cert", "gmcert"];

export function readBuildChainFolders(from: string): ChainFolders {
  const hosts = subfolders(from).filter((name) => !CA_FOLDERS.includes(name));
  const nodes = hosts.flatMap((host) =>
    subfolders(path.join(from, host))
      .filter((name) => isNodeFolder(path.join(from, host, name)))
      .map((name) => ({ dir: path.join(from, host, name), label: `${host}/${name}`, hostAddress: host, folderName: name })),
  );
  const sdks = hosts
    .filter((host) => isFolder(path.join(from, host, "sdk")))
    .map((host) => ({ dir: path.join(from, host, "sdk"), label: `${host}/sdk`, hostAddress: host }));
  const certDirs = CA_FOLDERS.map((name) => path.join(from, name)).filter(isFolder);
  return { layout: "build_chain", nodes, sdks, certDirs };
}

/** Whether `from` looks like build_chain output: host folders holding node folders. */
export function isBuildChainOutput(from: string): boolean {
  return subfolders(from).some(
    (host) => !CA_FOLDERS.includes(host) && subfolders(path.join(from, host)).some((name) => isNodeFolder(path.join(from, host, name))),
  );
}

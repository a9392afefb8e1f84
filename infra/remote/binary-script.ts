/**
 * The command that puts the node binary on a host: fetch or take the file, check its digest and
 * what `fisco-bcos -v` reports, then place it at `<deployDir>/fisco-bcos`, where every node
 * folder's start.sh looks for it (`<node folder>/../fisco-bcos`).
 */
import { envBashCommand, scriptBody, stdinScript } from "./script-body";

/** Where the binary comes from, seen from the host that runs the script. */
export type BinaryOrigin =
  /** A file already on the host: the SFTP upload, or the user's file on a `local` host. */
  | { file: string }
  /** A download: the binary itself or a .tar.gz holding a `fisco-bcos` file. */
  | { url: string };

export interface BinaryInstall {
  deployDir: string;
  origin: BinaryOrigin;
  /** Lower-case hex SHA-256 of the file or download; empty: not checked. */
  sha256: string;
  /** x.y.z the binary must report (chain.version). */
  version: string;
  /** A GM chain needs a GM build (` gm` after the version). */
  smCrypto: boolean;
}

/** The command line (`env … bash -s`); the script comes on stdin (`BINARY_INSTALL_STDIN`). */
export function binaryInstallCommand(install: BinaryInstall): string {
  return envBashCommand({
    deploy_dir: install.deployDir,
    file: "file" in install.origin ? install.origin.file : "",
    url: "url" in install.origin ? install.origin.url : "",
    expected_sha256: install.sha256,
    expected_version: install.version,
    require_gm: install.smCrypto ? 1 : 0,
  });
}

/** What the binary command reads on stdin. */
export const BINARY_INSTALL_STDIN = stdinScript(scriptBody("install-binary.sh"));

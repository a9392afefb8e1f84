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
  /**
   * Set by an agency stack, whose deployDir other agencies' nodes may share: this stack
   * (`<project>/<stack>`), and the binary is placed as `SHARED_BINARY_INSTALL_STDIN` does.
   */
  sharedBy?: string;
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
    // Only an agency stack's command carries it: single-stack commands stay as they were.
    ...(install.sharedBy !== undefined ? { owner: install.sharedBy } : {}),
  });
}

const FETCH = scriptBody("fetch-binary.sh");

/** What the binary command reads on stdin: fetch and check, then put in place (replacing a different one). */
export const BINARY_INSTALL_STDIN = stdinScript(FETCH + scriptBody("place-binary.sh"));

/**
 * The same for a deployDir other stacks' nodes may share: a binary is put in place where there is
 * none and kept when equal; a different one is replaced only while no other stack's node folder
 * is there, and refused otherwise (it is what their nodes run from; replacing it would change
 * their binary at their next restart, or under a node started from the path).
 */
export const SHARED_BINARY_INSTALL_STDIN = stdinScript(FETCH + scriptBody("place-shared-binary.sh"));

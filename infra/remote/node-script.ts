/**
 * The command that installs or updates one node on its host. It reads the node folder as a
 * base64 tar.gz (paths `<node>/…`), checks that the folder on the host is this node's (its
 * `.bcos-pulumi-owner` marker names the stack and node ID; a non-empty folder without one is
 * refused, unless it is an imported node's own, see `adopt`), writes only the files that differ,
 * keeps runtime state (`data/`, `log/`, `nohup.out`) untouched, starts the node or restarts it
 * when its configuration or binary changed, and waits until it is healthy: it answers JSON-RPC
 * with its own node ID, has its peers back and, after a restart, has caught up with its groups. Running it twice changes nothing.
 */
import type { NodeAdoption } from "../import/adopted-install";
import { envBashCommand, scriptBody, stdinScript } from "./script-body";
import { shellAssignments } from "./shell-quote";

export interface NodeInstall {
  deployDir: string;
  node: string;
  /** Its folder under deployDir when not its name (infra/topology/node-folder.ts). */
  folder?: string;
  rpcPort: number;
  /** How long the node may take to be healthy after (re)start; whole seconds. */
  healthTimeoutSeconds: number;
  /**
   * Text that changes whenever the host's binary changes (see `binaryRevision`). The script does
   * not read it: it is part of the command so that a new binary makes the engine run it again,
   * and the script then restarts the node because the binary on disk differs from the marker.
   */
  binaryRevision: string;
  /** Who owns the folder: `<project>/<stack>`, written into its marker and checked there. */
  owner: string;
  /** The node was moved by hand (bcos:movedNodes): its folder must already hold a ledger. */
  expectLedger?: boolean;
  /**
   * An imported node (infra/import/adopted-install.ts): its folder, made by another tool, is
   * adopted where it runs when it holds this node ID; it must not be started anywhere else.
   */
  adopt?: NodeAdoption;
}

const BODY = scriptBody("install-node.sh");

/** The command line (`env … bash -s`); the script comes on stdin (`nodeInstallStdin`). */
export function nodeInstallCommand(install: NodeInstall): string {
  if (!Number.isInteger(install.healthTimeoutSeconds) || install.healthTimeoutSeconds < 1) {
    throw new Error(`bcos:healthTimeoutSeconds is ${install.healthTimeoutSeconds}: use a whole number of seconds, 1 or more (default 60)`);
  }
  return envBashCommand({
    deploy_dir: install.deployDir,
    node: install.node,
    rpc_port: install.rpcPort,
    health_timeout: install.healthTimeoutSeconds,
    binary_revision: install.binaryRevision,
    owner: install.owner,
    expect_ledger: install.expectLedger ? 1 : 0,
    // Only a node kept in a folder not named after it carries this: other commands stay as they were.
    ...(install.folder !== undefined && install.folder !== install.node ? { node_folder: install.folder } : {}),
    // Only imported nodes carry these: every other install command stays as it was.
    ...(install.adopt ? { adopt_node_id: install.adopt.nodeId, adopt_same: install.adopt.sameMeaning } : {}),
  });
}

/** The install script with the node's package in it: holds the node's private keys (a secret). */
export function nodeInstallStdin(packageBase64: string): string {
  return stdinScript(BODY, shellAssignments({ node_package: packageBase64 }));
}

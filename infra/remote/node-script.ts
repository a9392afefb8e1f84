/**
 * The script that installs or updates one node on its host. It reads the node folder as a base64
 * tar.gz on stdin (paths `<node>/…`), writes only the files that differ, keeps runtime state
 * (`data/`, `log/`, `nohup.out`) untouched, starts the node or restarts it when its configuration
 * or binary changed, and waits until it is healthy. Running it twice changes nothing.
 */
import { scriptBody } from "./script-body";
import { shellAssignments } from "./shell-quote";

export interface NodeInstall {
  deployDir: string;
  node: string;
  rpcPort: number;
  /** How long the node may take to answer JSON-RPC after (re)start. */
  healthTimeoutSeconds: number;
  /**
   * Text that changes whenever the host's binary changes (see `binaryRevision`). The script does
   * not read it: it is part of the command so that a new binary makes the engine run it again,
   * and the script then restarts the node because the binary on disk differs from the marker.
   */
  binaryRevision: string;
}

const BODY = scriptBody("install-node.sh");

export function nodeInstallScript(install: NodeInstall): string {
  const vars = shellAssignments({
    deploy_dir: install.deployDir,
    node: install.node,
    rpc_port: install.rpcPort,
    health_timeout: install.healthTimeoutSeconds,
    binary_revision: install.binaryRevision,
  });
  return `set -euo pipefail\n${vars}\n${BODY}`;
}

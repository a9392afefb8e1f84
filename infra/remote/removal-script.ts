/**
 * The script that removes a node that left the topology (or every node on `pulumi destroy`): if
 * the folder's `.bcos-pulumi-owner` names this stack and node ID, stop the node, then move its
 * folder to `<deployDir>/.removed/<node>-<UTC timestamp>` so the ledger survives, or delete it
 * when the topology says `deleteDataOnRemove: true`. Any other folder is left as it is.
 */
import { scriptBody } from "./script-body";
import { shellAssignments } from "./shell-quote";

export interface NodeRemoval {
  deployDir: string;
  node: string;
  /** Its folder under deployDir when not its name (infra/topology/node-folder.ts). */
  folder?: string;
  /** The node ID the folder's marker must name. */
  nodeId: string;
  /** `<project>/<stack>`, which the folder's marker must name. */
  owner: string;
  deleteData: boolean;
}

const BODY = scriptBody("remove-node.sh");

/** A complete script, for `bash -c`. */
export function nodeRemovalScript(removal: NodeRemoval): string {
  const vars = shellAssignments({
    deploy_dir: removal.deployDir,
    node: removal.node,
    // Only a node kept in a folder not named after it carries this: other scripts stay as they were.
    ...(removal.folder !== undefined && removal.folder !== removal.node ? { node_folder: removal.folder } : {}),
    node_id: removal.nodeId,
    owner: removal.owner,
    delete_data: removal.deleteData ? 1 : 0,
  });
  return `set -euo pipefail\n${vars}\n${BODY}`;
}

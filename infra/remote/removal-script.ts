/**
 * The script run when a node leaves the topology (or on `pulumi destroy`): stop the node, then
 * move its folder to `<deployDir>/.removed/<node>-<UTC timestamp>` so the ledger survives, or
 * delete it when the topology says `deleteDataOnRemove: true`.
 */
import { scriptBody } from "./script-body";
import { shellAssignments } from "./shell-quote";

export interface NodeRemoval {
  deployDir: string;
  node: string;
  deleteData: boolean;
}

const BODY = scriptBody("remove-node.sh");

export function nodeRemovalScript(removal: NodeRemoval): string {
  const vars = shellAssignments({ deploy_dir: removal.deployDir, node: removal.node, delete_data: removal.deleteData ? 1 : 0 });
  return `set -euo pipefail\n${vars}\n${BODY}`;
}

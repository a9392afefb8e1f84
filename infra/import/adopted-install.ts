/**
 * What the install script needs to adopt an imported node where it already runs (chain.install
 * on an imported stack): the node ID its folder must hold (a folder without our ownership marker
 * is written to only then), and which of its settings files may be replaced by ours without a
 * restart because both mean the same to a 2.11 node. Pure.
 *
 * Installs keep a node in `<deployDir>/<folder>` (infra/topology/node-folder.ts: its name unless
 * the topology gives `folder:`, as import does for build_chain's `node0` on several addresses and
 * generator's `node_<ip>_<port>`), so a node is adoptable only where that is the folder it was
 * imported from; otherwise it is refused before anything runs.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { renderConfigIni } from "../fisco/config-ini";
import { renderGroupIni } from "../fisco/genesis";
import { nodeFolder } from "../topology/node-folder";
import type { Model } from "../topology/types";
import type { AdoptedFolder } from "./adoption";
import { configIniMeaning, groupIniMeaning, meaningDifferences } from "./ini-meaning";

export interface NodeAdoption {
  /** The imported node ID; its folder on the host must hold it. */
  nodeId: string;
  /**
   * `<path>=<sha256 of the imported file>:<sha256 of ours>` for each settings file whose
   * imported and rendered versions mean the same (space separated): replacing exactly that file
   * with exactly ours restarts nothing. Any other difference restarts as usual.
   */
  sameMeaning: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The imported nodes still in the topology, with what adopting each on its host needs. */
export function adoptedInstalls(folders: Record<string, AdoptedFolder>, model: Model): Record<string, NodeAdoption> {
  const adoptions: Record<string, NodeAdoption> = {};
  for (const node of model.nodes) {
    const imported = folders[node.name];
    if (!imported) continue;
    const folderName = path.posix.basename(imported.folder);
    if (folderName !== nodeFolder(node)) {
      throw new Error(
        `node ${node.name} was imported from the folder ${imported.folder}, but chain.install would keep it in <deployDir>/${nodeFolder(node)}, so it cannot be adopted where it runs: ` +
          `set agencies.${node.agency}.nodes.${node.name}.folder to ${folderName} (the folder it runs in), or keep chain.install false for this stack`,
      );
    }
    const ours: Record<string, string> = { "config.ini": renderConfigIni(model, node.name) };
    for (const rel of Object.keys(imported.settings)) if (rel !== "config.ini") ours[rel] = renderGroupIni();
    const same = Object.entries(imported.settings).filter(([rel, theirs]) => {
      const read = rel === "config.ini" ? configIniMeaning : groupIniMeaning;
      return meaningDifferences(read(theirs, rel), read(ours[rel], rel)).length === 0;
    });
    adoptions[node.name] = { nodeId: imported.nodeId, sameMeaning: same.map(([rel, theirs]) => `${rel}=${sha256(theirs)}:${sha256(ours[rel])}`).join(" ") };
  }
  return adoptions;
}

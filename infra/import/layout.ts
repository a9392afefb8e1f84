/** Which tool made the chain folder, and where its node, SDK and CA folders are. */
import { isBuildChainOutput, readBuildChainFolders } from "./build-chain-reader";
import { isFolder } from "./folders";
import { isGeneratorOutput, readGeneratorFolders } from "./generator-reader";
import type { ImportProblem } from "./import-error";
import type { NodeFolderLocation } from "./node-folder-reader";

export type Layout = "build_chain" | "generator";

export interface SdkFolderLocation {
  dir: string;
  label: string;
  hostAddress: string;
}

export interface ChainFolders {
  layout: Layout;
  nodes: NodeFolderLocation[];
  sdks: SdkFolderLocation[];
  /** CA folders inside the chain folder (build_chain cert/ and gmcert/, generator meta/). */
  certDirs: string[];
}

const EXPECTED = "point --from at build_chain's output folder (holding <ip>/node0/config.ini) or at generator packages (node_<ip>_<port>/config.ini)";

export function detectLayout(from: string): { folders?: ChainFolders; problems: ImportProblem[] } {
  if (!isFolder(from)) return { problems: [{ file: from, problem: "is not a folder", fix: EXPECTED }] };
  const buildChain = isBuildChainOutput(from);
  const generator = isGeneratorOutput(from);
  if (buildChain && generator) {
    return { problems: [{ file: from, problem: "holds both build_chain host folders and generator packages", fix: "import each chain folder on its own" }] };
  }
  if (!buildChain && !generator) return { problems: [{ file: from, problem: "holds no node folders", fix: EXPECTED }] };
  return { folders: buildChain ? readBuildChainFolders(from) : readGeneratorFolders(from), problems: [] };
}

import type { ChainPki } from "../infra/crypto/types";
import { renderAgencyTree } from "../infra/fisco/chain-tree";
import { type RenderedFile, underFolder } from "../infra/fisco/rendered-file";
import type { Model } from "../infra/topology/types";

/**
 * An agency's handover package: its node folders and `sdk/` under `<agency>/`. Every group file
 * carries the genesis as frozen in state (`frozenGenesis`, by group id), never a re-render, so a
 * node that joins a group later gets the group's original block 0.
 */
export function agencyPackageFiles(model: Model, pki: ChainPki, agencyName: string, frozenGenesis: Record<number, string>): RenderedFile[] {
  return underFolder(agencyName, renderAgencyTree(model, pki, agencyName, {}, { genesisOverride: frozenGenesis }));
}

/** The `sdk/` part of an agency's package, for the separate SDK bundle. */
export function sdkBundleFiles(packageFiles: RenderedFile[], agencyName: string): RenderedFile[] {
  return packageFiles.filter((f) => f.path.startsWith(`${agencyName}/sdk/`));
}

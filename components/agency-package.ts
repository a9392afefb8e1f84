import type { ChainPki } from "../infra/crypto/types";
import { renderAgencyTree } from "../infra/fisco/chain-tree";
import { type RenderedFile, underFolder } from "../infra/fisco/rendered-file";
import { renderSdkFolder } from "../infra/fisco/sdk-folder";
import type { Model } from "../infra/topology/types";

/**
 * An agency's handover package: its node folders and `sdk/` under `<agency>/`. Every group file
 * carries the genesis as frozen in state (`frozenGenesis`, by group id), never a re-render, so a
 * node that joins a group later gets the group's original block 0.
 */
export function agencyPackageFiles(model: Model, pki: ChainPki, agencyName: string, frozenGenesis: Record<number, string>): RenderedFile[] {
  return underFolder(agencyName, renderAgencyTree(model, pki, agencyName, {}, { genesisOverride: frozenGenesis }));
}

/** The agency's `sdk/` folder under `<agency>/`, for the separate SDK bundle; it needs no node. */
export function sdkBundleFiles(model: Model, pki: ChainPki, agencyName: string): RenderedFile[] {
  return underFolder(agencyName, renderSdkFolder(model, pki, agencyName));
}

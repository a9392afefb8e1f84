/**
 * The whole rendered chain as one tree: `chain/`, `<agency>/<node>/` for every node and
 * `<agency>/sdk/` for every agency that has nodes. This is what `render` writes and what an
 * agency's handover package holds (its own subtree).
 */
import type { ChainPki } from "../crypto/types";
import type { Model } from "../topology/types";
import { renderChainFolder } from "./chain-folder";
import { renderNodeFolder, type NodeFolderOptions } from "./node-folder";
import { type RenderedFile, underFolder } from "./rendered-file";
import { renderSdkFolder } from "./sdk-folder";

export interface ChainTreeOptions extends NodeFolderOptions {
  /** Write the chain CA private keys into `chain/` (only when they were generated here). */
  includeCaKeys: boolean;
}

/** Files of one agency: its node folders and its `sdk/` folder, paths relative to the agency folder. */
export function renderAgencyTree(
  model: Model,
  pki: ChainPki,
  agencyName: string,
  groupTimestamps: Record<number, number>,
  options: NodeFolderOptions = {},
): RenderedFile[] {
  const agency = model.agencies.find((a) => a.name === agencyName);
  if (!agency) throw new Error(`unknown agency "${agencyName}"`);
  return [...agency.nodes.flatMap((node) => renderNodeFolder(model, pki, node, groupTimestamps, options)), ...renderSdkFolder(model, pki, agencyName)];
}

export function renderChainTree(model: Model, pki: ChainPki, groupTimestamps: Record<number, number>, options: ChainTreeOptions): RenderedFile[] {
  return [
    ...renderChainFolder(pki, options.includeCaKeys),
    ...model.agencies.flatMap((agency) => underFolder(agency.name, renderAgencyTree(model, pki, agency.name, groupTimestamps, options))),
  ];
}

/** Genesis timestamps: the pinned ones, and `now` for groups that do not pin one. */
export function chooseGroupTimestamps(model: Model, now: number): Record<number, number> {
  return Object.fromEntries(model.groups.map((g) => [g.id, g.timestamp ?? now]));
}

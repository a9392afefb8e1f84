/** FISCO BCOS 2.x file renderers and the parsers that check them. */
export { renderChainFolder } from "./chain-folder";
export { p2pEndpoint, renderConfigIni } from "./config-ini";
export { genesisMark, renderGroupGenesis, renderGroupIni, type GenesisMarkInput, type GroupGenesisInput } from "./genesis";
export { renderNodeFolder, type NodeFolderOptions } from "./node-folder";
export { isNodeId } from "./node-id";
export {
  IniError,
  parseConfigIni,
  parseGenesis,
  parseIni,
  type IniDocument,
  type IniEntry,
  type IniSection,
  type ParseConfigIniOptions,
  type ParsedConfigIni,
  type ParsedGenesis,
  type PeerAddress,
} from "./parse";
export { PRIVATE_MODE, PUBLIC_MODE, SCRIPT_MODE, type RenderedFile } from "./rendered-file";
export { renderNodeScripts } from "./scripts";
export { renderSdkFolder } from "./sdk-folder";

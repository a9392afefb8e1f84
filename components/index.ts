export { Agency, type AgencyArgs } from "./agency";
export type { CertificateExpiry, CertificateSummaries } from "./certificate-summary";
export { ChainAuthority, type ChainAuthorityArgs } from "./chain-authority";
export { Consortium, type AgencySummary, type ConsortiumArgs, type GroupSummary, type NodeSummary } from "./consortium";
export { Group, type GroupArgs } from "./group";
export { Node, type NodeArgs } from "./node";
export { NodeInstall, type NodeInstallArgs } from "./node-install";

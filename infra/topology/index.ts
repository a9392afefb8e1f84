export * from "./types";
export { TopologyError } from "./topology-error";
export type { TopologyIssue } from "./topology-error";
export { validateTopology } from "./validate";
export type { ValidateOptions } from "./validate";
export { readHealthTimeoutSeconds } from "./validate-settings";
export { canonicalAddress } from "./machines";
export { loadTopologyFile, parseTopologyYaml, topologyFromConfigValue } from "./load";

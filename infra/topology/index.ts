export * from "./types";
export { TopologyError } from "./topology-error";
export type { TopologyIssue } from "./topology-error";
export { validateTopology } from "./validate";
export { loadTopologyFile, parseTopologyYaml, topologyFromConfigValue } from "./load";

export * from "./types";
export { TopologyError } from "./topology-error";
export type { TopologyIssue } from "./topology-error";
export { validateTopology } from "./validate";
export { loadTopologyFile, parseTopologyYaml, topologyFromConfigValue } from "./load";
export { planMembership, DEFAULT_SYNC_THRESHOLD } from "./membership-plan";
export type { ChainGroupState, MembershipInput, MembershipPlan, MembershipStep, NodeFacts, NodeStatus } from "./membership-plan";
export { explainQuorum, quorumOf } from "./quorum";
export type { Quorum } from "./quorum";

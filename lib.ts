/**
 * The package as a library (`import { Consortium, validateTopology } from "bcos-pulumi"`): the
 * components, the topology types a program writes, and the functions that turn a topology into the
 * validated Model the components take. index.ts stays this repository's own Pulumi program.
 */
export { Agency, ChainAuthority, Consortium, Group, Node, NodeInstall } from "./components";
export type {
  AgencyArgs,
  AgencySummary,
  CertificateExpiry,
  CertificateSummaries,
  ChainAuthorityArgs,
  ConsortiumArgs,
  GroupArgs,
  GroupSummary,
  NodeArgs,
  NodeInstallArgs,
  NodeSummary,
} from "./components";
export type {
  AgencySpec,
  BinarySpec,
  ChainSpec,
  ConsensusType,
  GroupSpec,
  HostSpec,
  Model,
  NodeSpec,
  SshConnectionSpec,
  TopologySpec,
} from "./infra/topology/types";
export { loadTopologyFile, parseTopologyYaml as parseTopology, TopologyError, validateTopology } from "./infra/topology";
export type { TopologyIssue, ValidateOptions } from "./infra/topology";

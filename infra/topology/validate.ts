/**
 * Turns user input into the `Model`: checks everything, reports every problem at once, and fills
 * in defaults. Nothing after this point reads the raw topology.
 */
import { Checker, isGiven, keyPath } from "./checker";
import { folderClashes } from "./node-folder";
import { assignPorts } from "./ports";
import { TopologyError } from "./topology-error";
import { Model } from "./types";
import { readAgencies } from "./validate-agencies";
import { readChain } from "./validate-chain";
import { readGroups } from "./validate-groups";
import { readHosts } from "./validate-hosts";

const TOP_KEYS = ["chain", "hosts", "agencies", "groups"];

export interface ValidateOptions {
  /**
   * The caller puts nodes on hosts when chain.install is true (the Pulumi program), so chain.binary
   * is required then. Off for render and validate, which never use a binary.
   */
  installs?: boolean;
}

/** @param source names the input in the error message (file name or config key). */
export function validateTopology(raw: unknown, source?: string, options: ValidateOptions = {}): Model {
  const c = new Checker();
  const top = c.map(raw, "", "{ hosts: {…}, agencies: {…}, groups: {…} }");
  if (top === undefined) {
    if (!isGiven(raw)) c.report("", raw, "is empty", "write a topology with at least hosts and agencies");
    throw new TopologyError(c.issues, source);
  }
  c.onlyKeys(top, "", TOP_KEYS);
  c.present(top, "hosts", "", "add hosts: { <name>: { address: …, connection: local, deployDir: … } }");
  c.present(top, "agencies", "", "add agencies: { <name>: { nodes: { … } } }");

  const { chain } = readChain(c, top.chain, options.installs ?? false);
  // A missing or malformed section is reported once; checks that refer into it are skipped.
  const hosts = readHosts(c, top.hosts);
  const members = readAgencies(c, top.agencies, hosts);
  const nodes = hosts && members ? assignPorts(c, members.nodes, hosts) : [];
  const nodeNames = members && new Set(members.nodes.map((n) => n.name));
  const groups = readGroups(c, top.groups, nodeNames);
  if (hosts && members) {
    for (const clash of folderClashes(
      nodes,
      [...hosts.values()].filter((h) => h !== undefined),
    )) {
      const at = members.nodes.find((n) => n.name === clash.node)!;
      c.report(
        keyPath(at.path, "folder"),
        clash.folder,
        `${clash.node} and ${clash.other} would share the folder ${clash.folder} on one machine and deployDir`,
        "give each node its own folder (folder: defaults to the node's name), or put them under different deployDirs",
      );
    }
  }

  if (c.issues.length > 0 || hosts === undefined || members === undefined) throw new TopologyError(c.issues, source);
  return {
    chain,
    // Every host is valid here, otherwise issues would have been reported.
    hosts: [...hosts.values()].filter((h) => h !== undefined),
    agencies: members.agencies,
    nodes,
    groups,
  };
}

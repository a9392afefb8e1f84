/**
 * The approved plan: an agency stack acts only on what the committee published. Given the
 * committee's topology and an agency's copy, lists what the copy adds, drops or changes in what
 * the consortium shares (nodes and their owners, p2p endpoints, groups, memberships and roles,
 * genesis parameters, chain-wide settings). What only concerns the agency's own machines may
 * differ: SSH connections, deployDir, host names, channel/RPC ports, and how it installs
 * (chain.install, chain.binary, chain.deleteDataOnRemove).
 */
import { canonicalAddress } from "../topology/machines";
import type { Chain, Group, Model, Node } from "../topology/types";

export interface PlanDifference {
  /** Where, in topology terms: `groups.2`, `agencies.agencyD.nodes.node5`, `chain.id`. */
  path: string;
  /** Without the party: "node5 in group 2 is not in the committee's approved plan". */
  message: string;
  fix: string;
}

type Role = "sealer" | "observer" | "free";

/** Consortium-wide chain settings every party must share; the rest of `chain` is per installation. */
const SHARED_CHAIN_KEYS = ["id", "smCrypto", "smCryptoChannel", "version", "certValidityDays", "certificateBlacklist", "certificateWhitelist"] as const;

const TAKE_PLAN = "use the committee's published bcos:topology for these entries";
const ASK_COMMITTEE = "ask the committee to approve the change in its plan first, or";

/** What `party`'s copy of the topology differs in from the committee's approved plan; empty when it may act. */
export function planDifferences(approved: Model, copy: Model, party: string): PlanDifference[] {
  if (!approved.agencies.some((a) => a.name === party)) {
    return [
      {
        path: `agencies.${party}`,
        message: `${party} is not an agency of the committee's approved plan`,
        fix: `ask the committee to add ${party}, or set bcos:party to your agency's name`,
      },
    ];
  }
  return [...chainDifferences(approved.chain, copy.chain), ...nodeDifferences(approved, copy, party), ...groupDifferences(approved, copy, party)];
}

/** Throws one error listing every difference, each as "agencyD: …; fix: …". */
export function assertApprovedPlan(approved: Model, copy: Model, party: string): void {
  const differences = planDifferences(approved, copy, party);
  if (differences.length === 0) return;
  const lines = differences.map((d) => `${party}: ${d.message}; fix: ${d.fix}`);
  throw new Error([`${party}'s bcos:topology differs from the committee's approved plan (${differences.length}):`, ...lines].join("\n"));
}

function chainDifferences(approved: Chain, copy: Chain): PlanDifference[] {
  return SHARED_CHAIN_KEYS.filter((key) => !sameValue(approved[key], copy[key])).map((key) => ({
    path: `chain.${key}`,
    message: `chain.${key} is ${show(copy[key])} in its copy, the committee's approved plan says ${show(approved[key])}`,
    fix: `${ASK_COMMITTEE} set chain.${key} to ${show(approved[key])}`,
  }));
}

function nodeDifferences(approved: Model, copy: Model, party: string): PlanDifference[] {
  const differences: PlanDifference[] = [];
  const approvedNodes = new Map(approved.nodes.map((n) => [n.name, n]));
  const copyNodes = new Map(copy.nodes.map((n) => [n.name, n]));
  const ownedBy = (node: Node) => (node.agency === party ? "" : ` (of ${node.agency})`);

  for (const agency of copy.agencies) {
    if (!approved.agencies.some((a) => a.name === agency.name)) {
      differences.push({
        path: `agencies.${agency.name}`,
        message: `agency ${agency.name} is not in the committee's approved plan`,
        fix: `${ASK_COMMITTEE} remove ${agency.name}`,
      });
    }
  }
  for (const node of copy.nodes) {
    const path = `agencies.${node.agency}.nodes.${node.name}`;
    const planned = approvedNodes.get(node.name);
    if (!planned) {
      differences.push({ path, message: `${node.name}${ownedBy(node)} is not in the committee's approved plan`, fix: `${ASK_COMMITTEE} remove ${node.name}` });
      continue;
    }
    if (planned.agency !== node.agency) {
      differences.push({
        path,
        message: `${node.name} belongs to ${node.agency} in its copy, the committee's approved plan says ${planned.agency}`,
        fix: `${ASK_COMMITTEE} list ${node.name} under ${planned.agency}`,
      });
    }
    const have = p2pEndpoint(copy, node);
    const want = p2pEndpoint(approved, planned);
    if (have !== want) {
      differences.push({
        path: `${path}.p2pPort`,
        message: `${node.name}'s p2p endpoint is ${have} in its copy, the committee's approved plan says ${want}`,
        fix: `${ASK_COMMITTEE} give ${node.name} host address and p2pPort ${want} (other parties connect there)`,
      });
    }
  }
  for (const planned of approved.nodes) {
    if (!copyNodes.has(planned.name)) {
      differences.push({
        path: `agencies.${planned.agency}.nodes.${planned.name}`,
        message: `${planned.name}${ownedBy(planned)} is in the committee's approved plan but not in its copy`,
        fix: `${TAKE_PLAN}: add ${planned.name} under ${planned.agency}`,
      });
    }
  }
  return differences;
}

function groupDifferences(approved: Model, copy: Model, party: string): PlanDifference[] {
  const differences: PlanDifference[] = [];
  const approvedGroups = new Map(approved.groups.map((g) => [g.id, g]));
  const copyGroups = new Map(copy.groups.map((g) => [g.id, g]));
  const agencyOf = new Map([...approved.nodes, ...copy.nodes].map((n) => [n.name, n.agency]));
  const named = (node: string) => (agencyOf.get(node) === party ? node : `${node} (of ${agencyOf.get(node)})`);

  for (const group of copy.groups) {
    if (!approvedGroups.has(group.id)) {
      differences.push({
        path: `groups.${group.id}`,
        message: `group ${group.id} is not in the committee's approved plan`,
        fix: `${ASK_COMMITTEE} remove group ${group.id}`,
      });
    }
  }
  for (const planned of approved.groups) {
    const group = copyGroups.get(planned.id);
    const path = `groups.${planned.id}`;
    if (!group) {
      differences.push({
        path,
        message: `group ${planned.id} is in the committee's approved plan but not in its copy`,
        fix: `${TAKE_PLAN}: add group ${planned.id}`,
      });
      continue;
    }
    differences.push(...genesisDifferences(planned, group));
    const want = roles(planned);
    const have = roles(group);
    for (const [node, role] of have) {
      const plannedRole = want.get(node);
      if (plannedRole === undefined) {
        differences.push({
          path,
          message: `${named(node)} in group ${planned.id} is not in the committee's approved plan (its copy lists it as ${article(role)})`,
          fix: `${ASK_COMMITTEE} take ${node} out of group ${planned.id}`,
        });
      } else if (plannedRole !== role) {
        differences.push({
          path,
          message: `${named(node)} is ${article(role)} in group ${planned.id} in its copy, the committee's approved plan says ${plannedRole}`,
          fix: `${ASK_COMMITTEE} list ${node} in group ${planned.id}'s ${plannedRole === "free" ? "free" : plannedRole + "s"}`,
        });
      }
    }
    for (const [node, role] of want) {
      if (!have.has(node)) {
        differences.push({
          path,
          message: `${named(node)} is ${article(role)} in group ${planned.id} in the committee's approved plan but not in its copy`,
          fix: `${TAKE_PLAN}: list ${node} in group ${planned.id}'s ${role === "free" ? "free" : role + "s"}`,
        });
      }
    }
  }
  return differences;
}

/** Block 0 is the committee's: every frozen parameter (and a pinned timestamp) must match. */
function genesisDifferences(planned: Group, group: Group): PlanDifference[] {
  const differences: PlanDifference[] = [];
  const path = `groups.${planned.id}`;
  for (const key of Object.keys(planned.genesis) as (keyof Group["genesis"])[]) {
    if (sameValue(planned.genesis[key], group.genesis[key])) continue;
    differences.push({
      path: `${path}.${key}`,
      message: `group ${planned.id}'s ${key} is ${show(group.genesis[key])} in its copy, the committee's approved plan says ${show(planned.genesis[key])}`,
      fix: `${ASK_COMMITTEE} set ${key} to ${show(planned.genesis[key])} (the genesis is the committee's)`,
    });
  }
  if (group.timestamp !== undefined && group.timestamp !== planned.timestamp) {
    differences.push({
      path: `${path}.timestamp`,
      message: `group ${planned.id}'s timestamp is ${group.timestamp} in its copy, the committee's approved plan says ${show(planned.timestamp)}`,
      fix: `leave timestamp out or copy the committee's (the genesis is the committee's)`,
    });
  }
  return differences;
}

function roles(group: Group): Map<string, Role> {
  return new Map<string, Role>([
    ...group.sealers.map((n): [string, Role] => [n, "sealer"]),
    ...group.observers.map((n): [string, Role] => [n, "observer"]),
    ...group.free.map((n): [string, Role] => [n, "free"]),
  ]);
}

function article(role: Role): string {
  return role === "free" ? "free" : role === "observer" ? "an observer" : "a sealer";
}

function p2pEndpoint(model: Model, node: Node): string {
  const host = model.hosts.find((h) => h.name === node.host);
  // One address spelled two ways (IPv6 forms, name case) is one endpoint.
  const address = host ? canonicalAddress(host.address) : "(unknown host)";
  return `${address.includes(":") ? `[${address}]` : address}:${node.p2pPort}`;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  return value === undefined ? "(not set)" : JSON.stringify(value);
}

/**
 * One group's membership on the running chain as a resource. Its state is the roles the chain
 * reports (`read` queries them, so `pulumi refresh` shows a change made by hand with a console),
 * its inputs the roles the topology declares; `create`/`update` observe the chain, plan with the
 * quorum-safe planner and execute the steps, so a run that failed halfway resumes from the chain
 * as it is. `check` plans during preview when the chain answers and fails with the planner's
 * refusal, arithmetic included.
 *
 * Roles are a map node → sealer | observer | free, because the Node dynamic provider host
 * passes no detailed diff to the engine: a map makes the engine's own property diff read
 * `roles.node1: "sealer" => "observer"`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChainAccess } from "../membership/chain-access";
import { executePlan, type JoinGroup } from "../membership/execute";
import { joinGroupOnHosts } from "../membership/join-group";
import { observeChain, rolesOf, type Observation } from "../membership/observe";
import { HostKeyMismatchError, NodeEndpoints, type NodeEndpoint } from "../remote/ssh-tunnel";
import { RpcClient } from "../rpc/client";
import { planMembership, type MembershipPlan } from "../topology/membership-plan";
import type { GenesisParams, Group } from "../topology/types";

export type DeclaredRole = "sealer" | "observer" | "free";

/** How to reach a node's RPC port; the SSH private key is in the secret `sshPrivateKeys`. */
export interface EndpointDescriptor {
  /** The host's address (what SSH connects to). */
  address: string;
  rpcPort: number;
  connection: { kind: "local" } | { kind: "ssh"; port: number; user: string; hostKey: string };
  /** The node's folder on its host (`<deployDir>/<node>`), where a joining node's group files are prepared. */
  nodeDir?: string;
}

export interface MembershipInputs {
  groupId: number;
  /** Node name → its role in the group; a node absent here is no member and does not run the group. */
  roles: Record<string, DeclaredRole>;
  /** The group's genesis parameters; a new group is created with generateGroup, which needs them to match its template. */
  genesis: GenesisParams;
  /** Genesis timestamp (ms) for a group that does not exist yet. */
  timestamp?: number;
  /** Node IDs of the sealers frozen in the group's genesis resource; a group that does not exist yet is generated with exactly these. */
  genesisSealerIds?: string[];
  /** Node name → node ID, for every node that may appear in the group. */
  nodeIds: Record<string, string>;
  /** Node name → how to reach its RPC port. */
  endpoints: Record<string, EndpointDescriptor>;
  /** Host address → SSH private key; secret. */
  sshPrivateKeys: Record<string, string>;
  /** The governance account's SM2 key (PEM); secret. */
  governanceKeyPem: string;
}

/** The same shape, with `roles` as the chain reports them. */
export type MembershipOutputs = MembershipInputs;

export interface MembershipProviderOptions {
  /** Copies an existing group's genesis and ini to a node that joins it (the remote-install code provides this). */
  joinGroup?: JoinGroup;
  /** The same, made from the resource's inputs (endpoints and SSH keys); takes precedence over `joinGroup`. */
  joinGroupFor?: (inputs: MembershipInputs) => JoinGroup;
  /** Progress; default pulumi.log.info (the provider host's log). */
  log?: (message: string) => void;
}

/** What the engine passes for a value not known yet during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** "node1: sealer → observer" for each node whose role differs; "none" for no role. */
export function roleChanges(before: Record<string, DeclaredRole>, after: Record<string, DeclaredRole>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((n) => before[n] !== after[n]).map((n) => `${n}: ${before[n] ?? "none"} → ${after[n] ?? "none"}`);
}

/** The planner's declaration of the group. */
function declaredGroup(inputs: MembershipInputs): Group {
  const having = (role: DeclaredRole) => Object.keys(inputs.roles).filter((n) => inputs.roles[n] === role).sort();
  return { id: inputs.groupId, sealers: having("sealer"), observers: having("observer"), free: having("free"), timestamp: inputs.timestamp, genesis: inputs.genesis };
}

function nodeEndpoint(inputs: MembershipInputs, name: string): NodeEndpoint {
  const { address, rpcPort, connection } = inputs.endpoints[name];
  if (connection.kind === "local") return { rpcPort, connection };
  const privateKey = inputs.sshPrivateKeys[address];
  if (!privateKey) throw new Error(`no SSH private key is given for host ${address} (node ${name})`);
  return { rpcPort, connection: { ...connection, address, privateKey } };
}

/** Opens every node's endpoint, runs `work`, and closes the tunnels whatever happens. */
async function withChain<T>(inputs: MembershipInputs, work: (access: ChainAccess) => Promise<T>): Promise<T> {
  const names = Object.keys(inputs.nodeIds).filter((n) => inputs.endpoints[n]);
  const endpoints = await NodeEndpoints.open(Object.fromEntries(names.map((n) => [n, nodeEndpoint(inputs, n)])));
  try {
    const clients = Object.fromEntries(Object.entries(endpoints.endpoints).map(([n, e]) => [n, new RpcClient(e)]));
    const ids = Object.fromEntries(names.map((n) => [n, inputs.nodeIds[n]]));
    return await work(new ChainAccess(clients, ids));
  } finally {
    await endpoints.close();
  }
}

/**
 * Roles as the chain has them: the group's lists, plus "free" for a node that runs the group
 * without a role. That includes a removed node stuck at the block before its removal, which still
 * lists itself: the lists come from the most advanced member. A node that is down cannot say
 * whether it still runs the group, so a free role recorded before is kept for it.
 */
export function foundRoles(observation: Observation, group: number, previous: Record<string, DeclaredRole> = {}): Record<string, DeclaredRole> {
  const roles: Record<string, DeclaredRole> = rolesOf(observation.chain[group]);
  for (const [name, facts] of Object.entries(observation.nodes)) {
    if (roles[name]) continue;
    if (facts.status === "up" ? facts.groups[group] !== undefined : previous[name] === "free") roles[name] = "free";
  }
  return Object.fromEntries(Object.entries(roles).sort(([a], [b]) => a.localeCompare(b)));
}

/** The frozen genesis's sealers by name; an ID no declared node has stays an ID (and so differs from any declaration). */
function genesisSealers(inputs: MembershipInputs): Record<number, string[]> {
  if (!inputs.genesisSealerIds) return {};
  const names = new Map(Object.entries(inputs.nodeIds).map(([name, id]) => [id.toLowerCase(), name]));
  return { [inputs.groupId]: inputs.genesisSealerIds.map((id) => names.get(id.toLowerCase()) ?? id) };
}

function plan(inputs: MembershipInputs, observation: Observation): MembershipPlan {
  const chain = observation.chain[inputs.groupId];
  return planMembership({
    declared: [declaredGroup(inputs)],
    chain: chain ? { [inputs.groupId]: chain } : {},
    nodes: observation.nodes,
    timestamps: inputs.timestamp === undefined ? {} : { [inputs.groupId]: inputs.timestamp },
    genesisSealers: genesisSealers(inputs),
  });
}

/**
 * During preview a node the update is about to install is down but will be started before this
 * resource runs: a declared node that is down and not in the group's lists counts as pending.
 */
function withPendingNodes(inputs: MembershipInputs, observation: Observation): Observation {
  const chain = observation.chain[inputs.groupId];
  const listed = new Set([...(chain?.sealers ?? []), ...(chain?.observers ?? [])]);
  const nodes = { ...observation.nodes };
  for (const name of Object.keys(inputs.roles)) {
    if (nodes[name]?.status === "down" && !listed.has(name)) nodes[name] = { ...nodes[name], status: "pending" };
  }
  return { ...observation, nodes };
}

function inputProblems(inputs: MembershipInputs): pulumi.dynamic.CheckFailure[] {
  const problems: pulumi.dynamic.CheckFailure[] = [];
  for (const [name, role] of Object.entries(inputs.roles)) {
    if (!["sealer", "observer", "free"].includes(role)) problems.push({ property: "roles", reason: `${name}: unknown role "${role}"; use sealer, observer or free` });
    if (!inputs.nodeIds[name]) problems.push({ property: "nodeIds", reason: `${name} has a role in group ${inputs.groupId} but no node ID` });
    if (!inputs.endpoints[name]) problems.push({ property: "endpoints", reason: `${name} has a role in group ${inputs.groupId} but no RPC endpoint` });
  }
  for (const [name, endpoint] of Object.entries(inputs.endpoints)) {
    const c = endpoint?.connection;
    if (c?.kind === "ssh" && !c.hostKey) {
      problems.push({
        property: "endpoints",
        reason: `${name}: host ${endpoint.address} has no pinned hostKey; membership changes are sent through SSH only to a pinned host key (set hosts.<host>.connection.ssh.hostKey)`,
      });
    }
  }
  return problems;
}

const comparable = (v: MembershipInputs) =>
  JSON.stringify([v.roles, v.genesis, v.timestamp ?? null, v.nodeIds, v.endpoints, v.sshPrivateKeys, v.governanceKeyPem], (_k, value) =>
    value && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b))) : value,
  );

export function createMembershipProvider(options: MembershipProviderOptions): pulumi.dynamic.ResourceProvider {
  const log = options.log ?? ((message: string) => void pulumi.log.info(message));

  /** Observe, plan, execute, observe again: the roles found are the new state. */
  async function apply(inputs: MembershipInputs, before: Record<string, DeclaredRole>): Promise<MembershipOutputs> {
    const group = inputs.groupId;
    return withChain(inputs, async (access) => {
      const observation = await observeChain(access, [group]);
      const planned = plan(inputs, observation);
      if (!planned.ok) throw new Error(`group ${group}: the membership change is refused:\n  ${planned.refusals.join("\n  ")}`);
      const changes = roleChanges(foundRoles(observation, group, before), inputs.roles);
      log(`group ${group}: ${changes.length ? changes.join("; ") : "roles as declared"}; ${planned.steps.length} step(s)`);
      const joinGroup = options.joinGroupFor?.(inputs) ?? options.joinGroup ?? noJoinGroup;
      await executePlan(planned.steps, { access, governanceKeyPem: inputs.governanceKeyPem, joinGroup, onProgress: log });
      return { ...inputs, roles: foundRoles(await observeChain(access, [group]), group, inputs.roles) };
    });
  }

  return {
    async check(_olds: unknown, news: MembershipInputs) {
      const problems = inputProblems(news);
      if (problems.length) return { failures: problems };
      if (JSON.stringify(news).includes(UNKNOWN)) return { inputs: news };
      try {
        return await withChain(news, async (access) => {
          const observation = await observeChain(access, [news.groupId]);
          // Nothing answers yet (the chain is being installed by this update): the run plans for real.
          if (Object.values(observation.nodes).every((n) => n.status === "down")) return { inputs: news };
          const planned = plan(news, withPendingNodes(news, observation));
          return planned.ok ? { inputs: news } : { failures: planned.refusals.map((reason) => ({ property: "roles", reason })) };
        });
      } catch (e) {
        if (e instanceof HostKeyMismatchError) return { failures: [{ property: "endpoints", reason: e.message }] };
        log(`group ${news.groupId}: the chain could not be observed during check, so the change is planned when it is applied: ${(e as Error).message}`);
        return { inputs: news };
      }
    },

    async diff(_id: string, olds: MembershipOutputs, news: MembershipInputs) {
      if (olds.groupId !== news.groupId) return { changes: true, replaces: ["groupId"], deleteBeforeReplace: true };
      return { changes: comparable(olds) !== comparable(news) };
    },

    async create(inputs: MembershipInputs) {
      return { id: `group-${inputs.groupId}`, outs: await apply(inputs, {}) };
    },

    async update(_id: string, olds: MembershipOutputs, news: MembershipInputs) {
      return { outs: await apply(news, olds.roles) };
    },

    async read(id: string, props: MembershipOutputs) {
      const group = props.groupId;
      const observation = await withChain(props, (access) => observeChain(access, [group]));
      if (Object.values(observation.nodes).every((n) => n.status === "down")) {
        log(`group ${group}: no node answers; the recorded roles are kept`);
        return { id, props };
      }
      const refreshed = { ...props, roles: foundRoles(observation, group, props.roles) };
      return { id, props: refreshed, inputs: refreshed };
    },

    /** Dropping the resource leaves the chain as it is: removing a whole group is not done from here. */
    async delete(_id: string, props: MembershipOutputs) {
      log(`group ${props.groupId}: no longer managed; its members keep their roles on the chain`);
    },
  };
}

const noJoinGroup: JoinGroup = async (node, group) => {
  throw new Error(`${node} has to join group ${group}, which needs the group's files copied to its host; this provider has no installer for that`);
};

/**
 * For the engine: the node install ships every declared group's files, so a joining node's group
 * is prepared in its own folder on its host (see infra/membership/join-group.ts).
 */
export const membershipProvider = createMembershipProvider({
  joinGroupFor: (inputs) => joinGroupOnHosts(inputs.endpoints, inputs.sshPrivateKeys),
});

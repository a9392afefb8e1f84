/**
 * One group's membership on the running chain as a resource. Its state is the roles the chain
 * reports (`read` queries them, so `pulumi refresh` shows a change made by hand with a console),
 * its inputs the roles the topology declares; `create`/`update` observe the chain, plan with the
 * quorum-safe planner and execute the steps, so a run that failed halfway resumes from the chain
 * as it is. `check` plans during preview when the chain answers and fails with the planner's
 * refusal, arithmetic included; an accepted plan with steps becomes the input `plan` (lines, see
 * plan-text.ts), which the engine prints under `pulumi preview --diff`. When the chain cannot be
 * observed, or the group is not on it yet, `plan` starts from the roles last applied or the
 * group's genesis, with every node assumed live.
 *
 * Roles are a map node → sealer | observer | free, because the Node dynamic provider host
 * passes no detailed diff to the engine: a map makes the engine's own property diff read
 * `roles.node1: "sealer" => "observer"`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChainAccess } from "../membership/chain-access";
import { executePlan, type JoinGroup } from "../membership/execute";
import { joinGroupOnHosts } from "../membership/join-group";
import { foundRoles, observeChain, type Observation } from "../membership/observe";
import { HostKeyMismatchError, NodeEndpoints, type NodeEndpoint } from "../remote/ssh-tunnel";
import { RpcClient } from "../rpc/client";
import { groupPlanText, roleChanges, type GroupPlanView } from "../membership/plan-text";
import { planMembership, type MembershipPlan, type NodeFacts } from "../membership/plan";
import type { DeclaredRole, EndpointDescriptor } from "../membership/types";
import type { GenesisParams, Group } from "../topology/types";

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
  /**
   * Set by `check` only: the steps `up` will send and why they are safe, one line each, so the
   * preview's diff shows them. Never compared and never an output (a stale plan is no state).
   */
  plan?: string[];
}

/** The same shape, with `roles` as the chain reports them (and no `plan`). */
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

/** The planner's declaration of the group. */
function declaredGroup(inputs: MembershipInputs): Group {
  const having = (role: DeclaredRole) =>
    Object.keys(inputs.roles)
      .filter((n) => inputs.roles[n] === role)
      .sort();
  return {
    id: inputs.groupId,
    sealers: having("sealer"),
    observers: having("observer"),
    free: having("free"),
    timestamp: inputs.timestamp,
    genesis: inputs.genesis,
  };
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
 * resource runs: a declared node that is down and not in the group's lists counts as pending, and
 * as running the group without a role (its package ships the group's files and the install starts it).
 */
function withPendingNodes(inputs: MembershipInputs, observation: Observation): Observation {
  const chain = observation.chain[inputs.groupId];
  const listed = new Set([...(chain?.sealers ?? []), ...(chain?.observers ?? [])]);
  const nodes = { ...observation.nodes };
  for (const name of Object.keys(inputs.roles)) {
    if (nodes[name]?.status === "down" && !listed.has(name))
      nodes[name] = { ...nodes[name], status: "pending", groups: { ...nodes[name].groups, [inputs.groupId]: null } };
  }
  return { ...observation, nodes };
}

const isKnown = (v: unknown): boolean => v !== undefined && !JSON.stringify(v).includes(UNKNOWN);

/**
 * What a preview can observe the chain with: the nodes whose ID, endpoint and SSH key are known
 * (a node created by this update has none yet). A genesis timestamp known only during the update
 * becomes 0 (the plan's text never shows it); frozen sealers not known yet are the declared ones,
 * as they are frozen from the declaration. Undefined when the roles or no node are known.
 */
function observableInputs(news: MembershipInputs): MembershipInputs | undefined {
  if (!isKnown(news.roles) || !isKnown(news.genesis) || !isKnown(news.groupId) || typeof news.nodeIds !== "object" || typeof news.endpoints !== "object")
    return undefined;
  const keys = typeof news.sshPrivateKeys === "object" ? news.sshPrivateKeys : {};
  const names = Object.keys(news.nodeIds).filter((n) => {
    const endpoint = news.endpoints[n];
    return isKnown(news.nodeIds[n]) && isKnown(endpoint) && (endpoint.connection.kind === "local" || isKnown(keys[endpoint.address]));
  });
  if (names.length === 0) return undefined;
  const pick = <T>(map: Record<string, T>) => Object.fromEntries(names.filter((n) => n in map).map((n) => [n, map[n]]));
  return {
    ...news,
    nodeIds: pick(news.nodeIds),
    endpoints: pick(news.endpoints),
    sshPrivateKeys: keys,
    timestamp: news.timestamp === undefined || isKnown(news.timestamp) ? news.timestamp : 0,
    genesisSealerIds: isKnown(news.genesisSealerIds) ? news.genesisSealerIds : undefined,
  };
}

/** `inputs` with the plan's lines as `plan`, or without `plan` when there is nothing to do. */
function withPlan(inputs: MembershipInputs, lines: string[]): { inputs: MembershipInputs } {
  const { plan: _stale, ...rest } = inputs;
  return { inputs: lines.length ? { ...rest, plan: lines } : rest };
}

const listsOf = (roles: Record<string, DeclaredRole>) => {
  const having = (role: DeclaredRole) =>
    Object.keys(roles)
      .filter((n) => roles[n] === role)
      .sort();
  return { sealers: having("sealer"), observers: having("observer"), free: having("free") };
};

/**
 * The plan when the chain cannot be observed: from the roles last applied (`olds`), or for a group
 * new to this stack from its genesis sealers (the install starts it there), with every node there
 * live and synced and every other node about to be installed running the group (pending). Values
 * only known during the update (a new node's ID, a genesis timestamp) are not needed for that.
 */
function assumedPlanText(olds: Partial<MembershipInputs> | undefined, news: MembershipInputs): string[] {
  if (!isKnown(news.roles) || !isKnown(news.genesis) || typeof news.groupId !== "number") return [];
  const applied = isKnown(olds?.roles) && olds?.groupId === news.groupId ? listsOf(olds!.roles!) : undefined;
  const frozen = isKnown(news.genesisSealerIds) && isKnown(news.nodeIds) ? genesisSealers(news)[news.groupId] : undefined;
  const start = applied ?? { sealers: [...(frozen ?? listsOf(news.roles).sealers)].sort(), observers: [], free: [] };
  const group = news.groupId;
  const running = new Set([...start.sealers, ...start.observers]);
  const names = [...new Set([...Object.keys(news.roles), ...start.sealers, ...start.observers, ...start.free])].sort();
  const nodes: Record<string, NodeFacts> = {};
  for (const name of names) {
    const peers = names.filter((n) => n !== name);
    nodes[name] = running.has(name) ? { status: "up", peers, groups: { [group]: 0 } } : { status: "pending", peers, groups: { [group]: null } };
  }
  const planned = planMembership({
    declared: [declaredGroup(news)],
    chain: { [group]: { sealers: start.sealers, observers: start.observers, height: 0 } },
    nodes,
  });
  const view: GroupPlanView = { group, consensus: news.genesis.consensus, start, source: applied ? "applied" : "genesis", plan: planned };
  return groupPlanText(view);
}

function inputProblems(inputs: MembershipInputs): pulumi.dynamic.CheckFailure[] {
  const problems: pulumi.dynamic.CheckFailure[] = [];
  for (const [name, role] of Object.entries(inputs.roles)) {
    if (!["sealer", "observer", "free"].includes(role))
      problems.push({ property: "roles", reason: `${name}: unknown role "${role}"; use sealer, observer or free` });
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
      const { plan: _planned, ...declared } = inputs;
      return { ...declared, roles: foundRoles(await observeChain(access, [group]), group, inputs.roles) };
    });
  }

  return {
    async check(olds: Partial<MembershipInputs> | undefined, news: MembershipInputs) {
      const problems = inputProblems(news);
      if (problems.length) return { failures: problems };
      const observable = observableInputs(news);
      if (!observable) return withPlan(news, assumedPlanText(olds, news));
      try {
        return await withChain(observable, async (access) => {
          const observation = await observeChain(access, [news.groupId]);
          // Nothing answers yet (the chain is being installed by this update): the run plans for real.
          if (Object.values(observation.nodes).every((n) => n.status === "down")) return withPlan(news, assumedPlanText(olds, news));
          const chain = observation.chain[news.groupId];
          const partial = Object.keys(observable.nodeIds).length < Object.keys(news.nodeIds).length;
          // A member whose ID is known only during the update cannot be named: the lists cannot be read.
          if (partial && chain && [...chain.sealers, ...chain.observers].some((n) => !(n in observable.nodeIds)))
            return withPlan(news, assumedPlanText(olds, news));
          // Nodes known only during the update are about to be installed: down here, pending below.
          const nodes = { ...observation.nodes };
          for (const name of Object.keys(news.roles)) nodes[name] ??= { status: "down", peers: [], groups: {} };
          const planned = plan(observable, withPendingNodes(observable, { ...observation, nodes }));
          if (!planned.ok) return { failures: planned.refusals.map((reason) => ({ property: "roles", reason })) };
          // The install starts a new group from its genesis before this resource runs.
          if (!chain) return withPlan(news, assumedPlanText(undefined, news));
          const start = { sealers: chain.sealers, observers: chain.observers };
          return withPlan(news, groupPlanText({ group: news.groupId, consensus: news.genesis.consensus, start, source: "chain", plan: planned }));
        });
      } catch (e) {
        if (e instanceof HostKeyMismatchError) return { failures: [{ property: "endpoints", reason: e.message }] };
        log(`group ${news.groupId}: the chain could not be observed during check, so the change is planned when it is applied: ${(e as Error).message}`);
        return withPlan(news, assumedPlanText(olds, news));
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

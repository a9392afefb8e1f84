/**
 * Runs the membership planner's steps on the chain, one at a time and each confirmed before the
 * next, because the planner's quorum arithmetic holds only if every change has taken effect on
 * every member before the next one is sent. A failed step stops the run with a MembershipStepError
 * that names the step and reports the group's lists as the chain has them; nothing is rolled back,
 * since observing and planning again starts from exactly that state.
 */
import { RpcError } from "../rpc/client";
import { changeConsensus, type ConsensusOptions } from "../rpc/consensus";
import { DEFAULT_SYNC_THRESHOLD, type ConsensusStep, type GenerateGroupStep, type MembershipStep, type NodeStep, type WaitSyncedStep } from "./plan";
import type { ChainAccess } from "./chain-access";
import { NOT_A_MEMBER } from "./observe";

/**
 * Puts the group's original genesis and group ini into the node's conf/ and leaves the group
 * STOPPED (or already RUNNING) there; the executor then starts it over RPC. The install code that
 * owns the node's files provides it.
 */
export type JoinGroup = (node: string, group: number) => Promise<void>;

export interface ExecuteOptions {
  access: ChainAccess;
  /** The governance account's SM2 key (PEM). */
  governanceKeyPem: string;
  joinGroup: JoinGroup;
  onProgress?: (message: string) => void;
  /** How long a change may take to show on every member, a joiner to sync, a group to start; default 120 s. */
  timeoutMs?: number;
  /** Between polls, default 500 ms. */
  pollMs?: number;
  syncThreshold?: number;
  consensus?: ConsensusOptions;
}

export class MembershipStepError extends Error {
  constructor(
    readonly step: MembershipStep,
    /** 1-based position in the plan. */
    readonly index: number,
    readonly total: number,
    readonly cause: Error,
    /** The group's lists as a reachable member reports them after the failure, or why they could not be read. */
    readonly chainState: string,
  ) {
    super(
      `step ${index} of ${total} failed (${describeStep(step)}): ${cause.message}\n` +
        `chain state: ${chainState}\n` +
        `${index - 1} earlier step(s) took effect; running again observes the chain and plans from there`,
    );
    this.name = "MembershipStepError";
  }
}

export function describeStep(step: MembershipStep): string {
  const via = "via" in step ? ` via ${step.via}` : "";
  return `group ${step.group}: ${step.kind} ${step.node}${via}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns true; on timeout throws with `what` and the probe's last answer. */
async function until(what: string, probe: () => Promise<true | string>, options: ExecuteOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const answer = await probe();
      if (answer === true) return;
      last = answer;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; last seen: ${last}`);
    await sleep(options.pollMs ?? 500);
  }
}

const short = (names: string[]) => names.join(", ") || "none";

/** Where `node` stands in `group` as `member` reports it, or null when `member` is no member yet. */
async function roleOn(options: ExecuteOptions, member: string, group: number, node: string): Promise<"sealer" | "observer" | "none" | null> {
  const client = options.access.client(member);
  const id = options.access.idOf(node).toLowerCase();
  try {
    const [sealers, observers] = await Promise.all([client.getSealerList(group), client.getObserverList(group)]);
    if (sealers.some((s) => s.toLowerCase() === id)) return "sealer";
    return observers.some((o) => o.toLowerCase() === id) ? "observer" : "none";
  } catch (e) {
    if (e instanceof RpcError && e.code === NOT_A_MEMBER) return null;
    throw e;
  }
}

/** The highest block of `group` among the reachable nodes (a node that does not run it, or is down, adds nothing). */
async function groupHeight(options: ExecuteOptions, group: number): Promise<number> {
  const names = Object.keys(options.access.clients);
  const heights = await Promise.all(
    names.map((n) =>
      options.access
        .client(n)
        .getBlockNumber(group)
        .catch(() => -1),
    ),
  );
  return Math.max(-1, ...heights);
}

/** Why `node` is not yet within the threshold of the group's height, or true when it is. */
async function syncedProbe(options: ExecuteOptions, group: number, node: string): Promise<true | string> {
  const threshold = options.syncThreshold ?? DEFAULT_SYNC_THRESHOLD;
  let own: number;
  try {
    own = await options.access.client(node).getBlockNumber(group);
  } catch (e) {
    if (e instanceof RpcError && e.code === NOT_A_MEMBER) return `${node} is no member of group ${group} in its own view yet`;
    throw e;
  }
  const top = await groupHeight(options, group);
  return top - own <= threshold || `${node} at block ${own}, the group at ${top}`;
}

async function consensusStep(step: ConsensusStep, options: ExecuteOptions): Promise<void> {
  const { access } = options;
  const threshold = options.syncThreshold ?? DEFAULT_SYNC_THRESHOLD;
  // A 2.11 node more than 20 blocks behind the highest block it knows refuses transactions
  // (SyncMsgEngine::blockNumberFarBehind): send only through a member that has caught up. One
  // that is no member at all fails at once (the member guard's error), since waiting cannot help.
  await access.client(step.via).getBlockNumber(step.group);
  await until(
    `${step.via} within ${threshold} blocks of group ${step.group}'s height, to send ${step.kind} ${step.node} through`,
    () => syncedProbe(options, step.group, step.via),
    options,
  );
  const target = { group: step.group, nodeId: access.idOf(step.node), nodeName: step.node };
  const result = await changeConsensus(access.client(step.via), options.governanceKeyPem, step.kind, target, options.consensus);
  const wanted = step.kind === "addSealer" ? "sealer" : step.kind === "addObserver" ? "observer" : "none";
  options.onProgress?.(
    `group ${step.group}: ${step.kind} ${step.node} committed in block ${result.blockNumber}; waiting for ${short(step.confirmOn)} to report it`,
  );
  // confirmOn never holds the node a removeNode takes out: a removed node may stay at the block
  // before its removal and keep listing itself, since sync serves blocks to members only.
  for (const member of step.confirmOn) {
    await until(
      `${member} reporting ${step.node} as ${wanted === "none" ? "no member" : `a ${wanted}`} of group ${step.group}`,
      async () => {
        const role = await roleOn(options, member, step.group, step.node);
        if (role === null) return `${member} is no member of group ${step.group} in its own view yet (it has not synced the change)`;
        return role === wanted || `${member} reports ${step.node} as ${role === "none" ? "no member" : `a ${role}`}`;
      },
      options,
    );
  }
}

/**
 * A member in its own view, connected to the sealers counted when the step was planned, and within
 * the threshold of the group's height: safe to count towards quorum, send through and wait on.
 */
async function waitSynced(step: WaitSyncedStep, options: ExecuteOptions): Promise<void> {
  const threshold = options.syncThreshold ?? DEFAULT_SYNC_THRESHOLD;
  const { access } = options;
  const client = access.client(step.node);
  await until(
    `${step.node} catching up with group ${step.group} (a member in its own view, connected to ${short(step.sealers)}, within ${threshold} blocks)`,
    async () => {
      const [, ...peers] = (await client.getNodeIDList(step.group)).map((id) => id.toLowerCase());
      const unconnected = step.sealers.filter((s) => !peers.includes(access.idOf(s).toLowerCase()));
      if (unconnected.length) return `${step.node} is not connected to sealer(s) ${short(unconnected)}`;
      return syncedProbe(options, step.group, step.node);
    },
    options,
  );
}

/** startGroup (an already running group counts), then wait for RUNNING. */
async function startGroup(node: string, group: number, options: ExecuteOptions): Promise<void> {
  const client = options.access.client(node);
  const status = (await client.queryGroupStatus(group)).status;
  if (status !== "RUNNING") {
    const answer = await client.startGroup(group);
    if (answer.code !== "0x0" && answer.code !== "0x3")
      throw new Error(`startGroup ${group} on ${node} answered ${answer.code}: ${answer.message} (status was ${status})`);
  }
  await until(
    `group ${group} RUNNING on ${node}`,
    async () => {
      const now = (await client.queryGroupStatus(group)).status;
      return now === "RUNNING" || now;
    },
    options,
  );
}

async function generateGroup(step: GenerateGroupStep, options: ExecuteOptions): Promise<void> {
  const client = options.access.client(step.node);
  const sealers = step.sealers.map((s) => options.access.idOf(s).toLowerCase());
  const answer = await client.generateGroup(step.group, { timestamp: step.timestamp, sealers, enableFreeStorage: step.enableFreeStorage });
  if (answer.code === "0x0") return;
  // 0x2 after a run that stopped between generateGroup and startGroup: the files are there already.
  const status = (await client.queryGroupStatus(step.group)).status;
  if (answer.code === "0x2" && status === "STOPPED") {
    options.onProgress?.(`group ${step.group}: ${step.node} already has the group's files from an earlier run (STOPPED); starting it as it is`);
    return;
  }
  throw new Error(`generateGroup ${step.group} on ${step.node} answered ${answer.code}: ${answer.message} (status ${status})`);
}

async function stopGroup(step: NodeStep, options: ExecuteOptions): Promise<void> {
  const answer = await options.access.client(step.node).stopGroup(step.group);
  if (answer.code !== "0x0" && answer.code !== "0x4") throw new Error(`stopGroup ${step.group} on ${step.node} answered ${answer.code}: ${answer.message}`);
}

async function runStep(step: MembershipStep, options: ExecuteOptions): Promise<void> {
  switch (step.kind) {
    case "addObserver":
    case "addSealer":
    case "removeNode":
      return consensusStep(step, options);
    case "waitSynced":
      return waitSynced(step, options);
    case "generateGroup":
      return generateGroup(step, options);
    case "startGroup":
      return startGroup(step.node, step.group, options);
    case "joinGroup":
      await options.joinGroup(step.node, step.group);
      return startGroup(step.node, step.group, options);
    case "stopGroup":
      return stopGroup(step, options);
  }
}

/**
 * The group's lists as the most advanced reachable member reports them, for the failure message: a
 * node that was just removed may be stuck at the block before and still list itself.
 */
async function describeGroupState(group: number, options: ExecuteOptions): Promise<string> {
  const { access } = options;
  const reasons: string[] = [];
  const answers: { name: string; height: number; sealers: string[]; observers: string[] }[] = [];
  for (const name of Object.keys(access.clients)) {
    try {
      const client = access.client(name);
      const [sealers, observers, height] = await Promise.all([client.getSealerList(group), client.getObserverList(group), client.getBlockNumber(group)]);
      answers.push({ name, height, sealers, observers });
    } catch (e) {
      reasons.push(`${name}: ${(e as Error).message}`);
    }
  }
  const best = answers.reduce<(typeof answers)[number] | undefined>((top, a) => (top && top.height >= a.height ? top : a), undefined);
  if (!best) return `no reachable member of group ${group} answered (${reasons.join("; ")})`;
  const names = (ids: string[]) => short(ids.map((id) => access.nameOf(id)).sort());
  return `group ${group} at block ${best.height} as ${best.name} reports it: sealers ${names(best.sealers)}; observers ${names(best.observers)}`;
}

/** Runs `steps` in order; throws MembershipStepError at the first that fails. */
export async function executePlan(steps: readonly MembershipStep[], options: ExecuteOptions): Promise<void> {
  for (const [i, step] of steps.entries()) {
    options.onProgress?.(`step ${i + 1}/${steps.length}: ${describeStep(step)}: ${step.reason}`);
    try {
      await runStep(step, options);
    } catch (e) {
      throw new MembershipStepError(step, i + 1, steps.length, e as Error, await describeGroupState(step.group, options));
    }
  }
}

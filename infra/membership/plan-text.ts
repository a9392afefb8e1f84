/**
 * A group's membership plan as lines a reviewer reads in `pulumi preview --diff`: where the plan
 * starts, then each step `up` will send in order with the arithmetic that makes it safe, or the
 * refusal with its arithmetic. Pure and deterministic. The engine cuts a property string at 150
 * characters unless --show-full-output is given, so each step is a line of its own.
 */
import type { ConsensusStep, MembershipPlan, MembershipStep, StepQuorum } from "./plan";
import { DEFAULT_SYNC_THRESHOLD } from "./plan";
import type { ConsensusType } from "../topology/types";
import type { DeclaredRole } from "./types";

export interface GroupPlanView {
  group: number;
  consensus: ConsensusType;
  /** The lists the plan starts from; absent for a group that is not on the chain yet. */
  start?: { sealers: readonly string[]; observers: readonly string[] };
  /**
   * Where `start` comes from. chain: observed now, with each node's liveness. applied: the chain
   * cannot be observed in this preview (nodes not installed yet), so the plan starts from the roles
   * last applied. genesis: the group is not on the chain yet and the install starts it from its
   * genesis sealers. Both assume every node live, and `up` plans again against the chain.
   */
  source: "chain" | "applied" | "genesis";
  plan: MembershipPlan;
  /** Blocks a node may lag and still count as synced; default 10. */
  threshold?: number;
}

const list = (names: readonly string[]): string => names.join(", ") || "none";

/** "sealers 2 → 3, pbft quorum 3 of 3 live", or for a step that keeps the sealers "pbft quorum stays 2 of 2 live". */
export function quorumText(q: StepQuorum): string {
  const live = `${q.consensus} quorum ${q.needed} of ${q.live} live`;
  if (q.sealersBefore === q.sealersAfter) return `sealers stay ${q.sealersAfter}, ${live}`;
  return `sealers ${q.sealersBefore} → ${q.sealersAfter}, ${live}`;
}

function consensusStepText(step: ConsensusStep): string {
  const head = `${step.kind} ${step.node} (via ${step.via})`;
  return step.quorum ? `${head}: ${quorumText(step.quorum)}` : head;
}

function stepText(step: MembershipStep, threshold: number): string {
  switch (step.kind) {
    case "addObserver":
    case "addSealer":
    case "removeNode":
      return consensusStepText(step);
    case "waitSynced":
      return `wait until ${step.node} is a member within ${threshold} blocks of the group, connected to ${list(step.sealers)}`;
    case "joinGroup":
      return `joinGroup ${step.node}: the group's original genesis and ini to its host, then start the group there`;
    case "startGroup":
      return `startGroup on ${step.node}`;
    case "stopGroup":
      return `stopGroup on ${step.node}: not declared in the group`;
    case "generateGroup":
      return `generateGroup on ${step.node}: the same genesis on every member, sealers ${list(step.sealers)}`;
  }
}

/** Where the plan starts, and whether that was seen on the chain or assumed. */
function startLines(view: GroupPlanView): string[] {
  const head = `group ${view.group} (${view.consensus})`;
  const lists = view.start ? `sealers ${list(view.start.sealers)}; observers ${list(view.start.observers)}` : "";
  const assumed = "this assumes every node live, and up confirms the plan against the chain";
  if (!view.start) return [`${head}: not on the chain yet`];
  if (view.source === "chain") return [`${head}: ${lists}, as the chain reports now`];
  if (view.source === "applied") return [`${head}: ${lists}, as last applied`, `group ${view.group}: the chain cannot be observed in this preview; ${assumed}`];
  return [`${head}: not on the chain yet; the install starts it from its genesis with ${lists}`, `group ${view.group}: ${assumed}`];
}

/** No lines when the plan is accepted and has nothing to do. */
export function groupPlanText(view: GroupPlanView): string[] {
  const threshold = view.threshold ?? DEFAULT_SYNC_THRESHOLD;
  if (!view.plan.ok) return [...startLines(view), ...view.plan.refusals.map((r) => `refused: ${r}`)];
  if (view.plan.steps.length === 0) return [];
  return [...startLines(view), ...view.plan.steps.map((s, i) => `group ${view.group} step ${i + 1}: ${stepText(s, threshold)}`)];
}

/** "node1: sealer → observer" for each node whose role differs; "none" for no role. */
export function roleChanges(before: Record<string, DeclaredRole>, after: Record<string, DeclaredRole>): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names.filter((n) => before[n] !== after[n]).map((n) => `${n}: ${before[n] ?? "none"} → ${after[n] ?? "none"}`);
}

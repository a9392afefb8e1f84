/**
 * The one error type topology loading throws. It carries every problem found, so a user fixes a
 * topology in one round instead of one error per run.
 */

export interface TopologyIssue {
  /** Where the problem is: `agencies.agencyA.nodes.node0.p2pPort`, `groups.2.sealers[1]`, or for
   *  YAML syntax errors `<file>:<line>:<column>`. */
  path: string;
  /** The offending value as read (undefined when something required is missing). */
  value: unknown;
  message: string;
  /** What to change, in words a user can act on. */
  fix: string;
}

const MAX_VALUE_TEXT = 80;

/** Renders a value for `(got …)`: JSON so strings show their quotes and types stay visible. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT - 1)}…` : text;
}

export function formatIssue(issue: TopologyIssue): string {
  const where = issue.path === "" ? "topology" : issue.path;
  return `${where}: ${issue.message} (got ${describeValue(issue.value)}). Fix: ${issue.fix}`;
}

export class TopologyError extends Error {
  readonly issues: readonly TopologyIssue[];
  /** File name or "stack config bcos:topology", when known. */
  readonly source?: string;

  constructor(issues: readonly TopologyIssue[], source?: string) {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    const head = source === undefined ? `Invalid topology (${count}):` : `Invalid topology in ${source} (${count}):`;
    super([head, ...issues.map(formatIssue)].join("\n"));
    this.name = "TopologyError";
    this.issues = issues;
    this.source = source;
  }
}

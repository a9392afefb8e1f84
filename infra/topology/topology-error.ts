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
/** Messages and fixes quote what the user wrote (unknown keys, names); a long one is cut here. */
const MAX_TEXT = 400;
/** A file with thousands of mistakes is better answered with the first few. */
const MAX_SHOWN_ISSUES = 50;

/** `text`, or its start with an ellipsis and the full length when it is longer than `max`. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}… (${text.length} characters)`;
}

/**
 * The start of `value` as JSON, stopping once `limit` characters are written: a value reached
 * through YAML aliases can expand to billions of items, so it is never serialised in full.
 */
function jsonStart(value: unknown, limit: number): { text: string; complete: boolean } {
  let text = "";
  const write = (part: string) => {
    text += part;
    return text.length <= limit;
  };
  const walk = (v: unknown): boolean => {
    if (Array.isArray(v)) {
      if (!write("[")) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !write(",")) || !walk(v[i])) return false;
      return write("]");
    }
    if (typeof v === "object" && v !== null) {
      if (!write("{")) return false;
      let first = true;
      for (const [key, item] of Object.entries(v)) {
        if ((!first && !write(",")) || !write(`${JSON.stringify(clip(key, limit))}:`) || !walk(item)) return false;
        first = false;
      }
      return write("}");
    }
    if (typeof v === "string") return write(JSON.stringify(clip(v, limit)));
    return write(JSON.stringify(v) ?? String(v));
  };
  const complete = walk(value);
  return { text, complete };
}

/** What a cut-short value was, so the reader knows how much is missing. */
function sizeOf(value: unknown): string {
  if (typeof value === "string") return `${value.length} characters`;
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object" && value !== null) return `a map of ${Object.keys(value).length} keys`;
  return "";
}

/** Renders a value for `(got …)`: JSON so strings show their quotes and types stay visible; bounded. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const { text, complete } = jsonStart(value, MAX_VALUE_TEXT);
  if (complete) return text;
  const size = sizeOf(value);
  return `${text.slice(0, MAX_VALUE_TEXT - 1)}…${size === "" ? "" : ` (${size})`}`;
}

export function formatIssue(issue: TopologyIssue): string {
  const where = issue.path === "" ? "topology" : clip(issue.path, MAX_TEXT);
  return `${where}: ${clip(issue.message, MAX_TEXT)} (got ${describeValue(issue.value)}). Fix: ${clip(issue.fix, MAX_TEXT)}`;
}

export class TopologyError extends Error {
  readonly issues: readonly TopologyIssue[];
  /** File name or "stack config bcos:topology", when known. */
  readonly source?: string;

  /** @param subject what was read: "topology" unless a stack setting beside it. */
  constructor(issues: readonly TopologyIssue[], source?: string, subject = "topology") {
    const count = `${issues.length} problem${issues.length === 1 ? "" : "s"}`;
    const head = source === undefined ? `Invalid ${subject} (${count}):` : `Invalid ${subject} in ${source} (${count}):`;
    const shown = issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue);
    const more = issues.length - shown.length;
    super([head, ...shown, ...(more > 0 ? [`… and ${more} more problems`] : [])].join("\n"));
    this.name = "TopologyError";
    this.issues = issues;
    this.source = source;
  }
}

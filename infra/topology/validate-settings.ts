/**
 * Stack config keys beside the topology, checked like it (path, value, fix) before anything is
 * registered. Pulumi hands plain config values over as strings, so whole numbers arrive as text.
 */
import { Checker, isGiven } from "./checker";
import { TopologyError } from "./topology-error";

const HEALTH_TIMEOUT_KEY = "bcos:healthTimeoutSeconds";

/**
 * `bcos:healthTimeoutSeconds`: seconds a (re)started node may take to answer. The install script
 * counts them in bash arithmetic, which takes whole numbers only. Undefined when not set.
 */
export function readHealthTimeoutSeconds(value: unknown): number | undefined {
  if (!isGiven(value)) return undefined;
  const c = new Checker();
  const rule = { min: 1, max: 3600, example: 60 };
  // Plain decimals are read as numbers, so 2.5 and 0 get the whole-number and range messages.
  const text = typeof value === "string" ? value.trim() : undefined;
  if (text !== undefined && !/^-?\d+(\.\d+)?$/.test(text)) {
    c.report(HEALTH_TIMEOUT_KEY, value, "must be a whole number of seconds", `write a whole number from ${rule.min} to ${rule.max}, e.g. ${rule.example}`);
  }
  const seconds = c.issues.length > 0 ? undefined : c.integer(text !== undefined ? Number(text) : value, HEALTH_TIMEOUT_KEY, rule);
  if (seconds !== undefined) return seconds;
  // Report what the user wrote, not the number it was read as.
  throw new TopologyError(c.issues.map((issue) => ({ ...issue, value, fix: `${issue.fix} (seconds; default 60)` })), "stack config", "setting");
}

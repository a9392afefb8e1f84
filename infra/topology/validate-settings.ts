/**
 * Stack config keys beside the topology, checked like it (path, value, fix) before anything is
 * registered. Pulumi hands plain config values over as strings, so whole numbers arrive as text.
 */
import { Checker, isGiven } from "./checker";
import { TopologyError } from "./topology-error";

interface WholeNumberSetting {
  key: string;
  unit: string;
  min: number;
  max: number;
  example: number;
  /** Said after every fix: the unit and the default, or why the range is what it is. */
  note: string;
}

/** A whole-number setting as given (a number, or a string of digits); undefined when not set. */
function readWholeNumber(value: unknown, setting: WholeNumberSetting): number | undefined {
  if (!isGiven(value)) return undefined;
  const c = new Checker();
  const rule = { min: setting.min, max: setting.max, example: setting.example };
  // Plain decimals are read as numbers, so 2.5 and 0 get the whole-number and range messages.
  const text = typeof value === "string" ? value.trim() : undefined;
  if (text !== undefined && !/^-?\d+(\.\d+)?$/.test(text)) {
    c.report(setting.key, value, `must be a whole number of ${setting.unit}`, `write a whole number from ${rule.min} to ${rule.max}, e.g. ${rule.example}`);
  }
  const read = c.issues.length > 0 ? undefined : c.integer(text !== undefined ? Number(text) : value, setting.key, rule);
  if (read !== undefined) return read;
  // Report what the user wrote, not the number it was read as.
  throw new TopologyError(
    c.issues.map((issue) => ({ ...issue, value, fix: `${issue.fix} (${setting.note})` })),
    "stack config",
    "setting",
  );
}

/**
 * `bcos:healthTimeoutSeconds`: seconds a (re)started node may take to answer. The install script
 * counts them in bash arithmetic, which takes whole numbers only. Undefined when not set.
 */
export function readHealthTimeoutSeconds(value: unknown): number | undefined {
  return readWholeNumber(value, { key: "bcos:healthTimeoutSeconds", unit: "seconds", min: 1, max: 3600, example: 60, note: "seconds; default 60" });
}

export const DEFAULT_RENEW_BEFORE_DAYS = 30;

/**
 * `bcos:renewBeforeDays`: certificates are re-issued (same keys) by the first `pulumi up` this
 * many days or fewer before they expire. Below the certificates' lifetime, or every run would
 * re-issue them; at least 1, or they would expire before being renewed. Unset: 30, or one day
 * less than a lifetime of 30 days or less.
 */
export function readRenewBeforeDays(value: unknown, certValidityDays: number): number {
  const max = certValidityDays - 1;
  const read = readWholeNumber(value, {
    key: "bcos:renewBeforeDays",
    unit: "days",
    min: 1,
    max,
    example: Math.min(DEFAULT_RENEW_BEFORE_DAYS, max),
    note: `days before expiry; default ${DEFAULT_RENEW_BEFORE_DAYS}; less than chain.certValidityDays, ${certValidityDays}`,
  });
  return read ?? Math.max(0, Math.min(DEFAULT_RENEW_BEFORE_DAYS, max));
}

/**
 * The one "now" the program and the providers go by for certificate validity start, renewal
 * windows and days left. `BCOS_NOW` (an ISO 8601 date or date-time) overrides it, for tests only:
 * issuing with `BCOS_NOW` a year back makes certificates that expire in days, and a later run
 * without it finds them in their renewal window. Never set it on a real stack.
 */
export const NOW_VARIABLE = "BCOS_NOW";

/** ISO 8601 date (`2026-12-03`) or date-time with seconds and a zone (`2026-12-03T10:00:00Z`). */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2}))?$/;

/** The current time, or `BCOS_NOW` when set; a malformed value throws naming it and the fix. */
export function now(env: NodeJS.ProcessEnv = process.env): Date {
  const text = env[NOW_VARIABLE];
  if (text === undefined || text === "") return new Date();
  const at = ISO.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new Error(
      `${NOW_VARIABLE}=${JSON.stringify(text)} is not an ISO 8601 date: write e.g. 2026-12-03 or 2026-12-03T10:00:00Z, or unset it (it is for tests only)`,
    );
  }
  return new Date(at);
}

/** When a certificate expires, counted in whole days, and whether it is due for renewal. */

export const DAY_MS = 86_400_000;

/** Whole days from `now` to `notAfter` (ISO), rounded down; negative once expired. */
export function daysLeft(notAfter: string, now: Date): number {
  return Math.floor((Date.parse(notAfter) - now.getTime()) / DAY_MS);
}

/** True from `renewBeforeDays` days before `notAfter` on: the next `pulumi up` re-issues it. */
export function inRenewalWindow(notAfter: string, renewBeforeDays: number, now: Date): boolean {
  return now.getTime() >= Date.parse(notAfter) - renewBeforeDays * DAY_MS;
}

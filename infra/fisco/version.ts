/**
 * FISCO `supported_version` values: `x.y.z`, plus the pre-releases `2.0.0-rc1..rc3` that the node
 * still accepts. Several on-disk formats (genesis mark fields, sealer ordering) depend on them.
 */

/** [major, minor, patch, rc]; rc is Infinity for a release so that rcN < release. */
export type Version = readonly [number, number, number, number];

const VERSION_RE = /^(\d+)\.(\d+)\.(\d+)(?:-rc([123]))?$/;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  if (m[4] !== undefined && `${m[1]}.${m[2]}.${m[3]}` !== "2.0.0") return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? Infinity : Number(m[4])];
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** True when `text` is a valid version at or above `min` (both as accepted by parseVersion). */
export function versionAtLeast(text: string, min: string): boolean {
  const a = parseVersion(text);
  const b = parseVersion(min);
  if (!a || !b) throw new Error(`not a FISCO version: ${a ? min : text}`);
  return compareVersions(a, b) >= 0;
}

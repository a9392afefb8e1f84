/** Typo suggestions for unknown keys ("p2pport" → "p2pPort"). */

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known key the user most likely meant, or undefined when nothing is close. Case is ignored
 * (YAML keys are case sensitive, and a wrong case is the most common slip); a key the user
 * cut short ("p2p" for "p2pPort") also counts as close.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const typed = key.toLowerCase();
  const limit = Math.max(2, Math.floor(typed.length / 2));
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const lower = candidate.toLowerCase();
    const prefix = typed.length >= 3 && (lower.startsWith(typed) || typed.startsWith(lower));
    const distance = prefix ? Math.min(1, editDistance(typed, lower)) : editDistance(typed, lower);
    if ((prefix || distance <= limit) && (best === undefined || distance < best.distance)) {
      best = { key: candidate, distance };
    }
  }
  return best?.key;
}

/** Hostile YAML for the loader's limits, shared by the topology and CLI tests. */

/** 10 aliases per level, 9 levels: 10^9 values once expanded, in 555 bytes ("billion laughs"). */
export function billionLaughs(): string {
  const lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\nhosts: *a8\nagencies: {}\n`;
}

/**
 * Quoting for values spliced into shell scripts. The topology validator already restricts names
 * and paths, but the scripts must not rely on that: every value goes in through `shellQuote`.
 */

/** One shell word that expands to exactly `value`, whatever characters it holds. */
export function shellQuote(value: string): string {
  // Inside single quotes nothing is special except the closing quote, written as '\''.
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `name=<quoted value>` lines, one per entry, for the top of a generated script. */
export function shellAssignments(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
      return `${name}=${shellQuote(String(value))}`;
    })
    .join("\n");
}

/** A command line that runs `script` with bash, whichever login shell the host gives the session. */
export function bashCommand(script: string): string {
  return `bash -c ${shellQuote(script)}`;
}

/**
 * Line builders for the layout build_chain gives its INI files: `[section]` flush left, keys
 * indented by four spaces, `; ` prose comments. Boost trims the indentation, so it is cosmetic, but
 * matching it keeps our files diffable against build_chain's.
 */

const INDENT = "    ";

export function section(name: string): string {
  return `[${name}]`;
}

export function entry(key: string, value: string | number | boolean): string {
  const text = String(value);
  // A line break inside a value would silently start a new key or section.
  if (/[\r\n]/.test(text)) throw new Error(`INI value for ${key} contains a line break: ${JSON.stringify(text)}`);
  return `${INDENT}${key}=${text}`;
}

/** A key the operator may enable later, written commented out (`;key=value`). */
export function disabledEntry(key: string, value: string | number): string {
  return `${INDENT};${key}=${value}`;
}

export function note(text: string): string {
  return `${INDENT}; ${text}`;
}

/** Joins lines into file content ending with exactly one newline. */
export function iniText(lines: readonly string[]): string {
  return `${lines.join("\n")}\n`;
}

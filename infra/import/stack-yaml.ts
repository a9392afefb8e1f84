/**
 * YAML for stack files that the pulumi CLI reads the way we wrote it. Pulumi's Go YAML reader
 * takes some plain scalars that YAML 1.2 (and js-yaml) see as strings for numbers or booleans:
 * a host named `127_0_0_1` came back as the integer 127001. So every key and string is written
 * plain only when it cannot be read as anything but a string, and double-quoted (JSON escapes,
 * which YAML shares) otherwise. Block style, two-space indent; only what config values hold:
 * maps, lists, strings, integers, booleans.
 */

/** Plain only: starts with a letter, no YAML indicator inside, not a YAML 1.1 boolean or null word. */
const PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*(:[A-Za-z][A-Za-z0-9_./-]*)?$/;
const YAML11_WORDS = /^(y|yes|n|no|true|false|on|off|null)$/i;

function scalar(value: unknown): string {
  if (typeof value === "string") return PLAIN.test(value) && !YAML11_WORDS.test(value) ? value : JSON.stringify(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  throw new Error(`cannot write ${JSON.stringify(value)} into a stack file`);
}

const isCollection = (v: unknown): v is object => typeof v === "object" && v !== null;
const isEmpty = (v: object) => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

function lines(value: object, indent: string): string[] {
  const item = (prefix: string, v: unknown): string[] => {
    if (!isCollection(v)) return [`${prefix} ${scalar(v)}`];
    if (isEmpty(v)) return [`${prefix} ${Array.isArray(v) ? "[]" : "{}"}`];
    return [prefix, ...lines(v, `${indent}  `)];
  };
  if (Array.isArray(value)) return value.flatMap((v) => item(`${indent}-`, v));
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .flatMap(([k, v]) => item(`${indent}${scalar(k)}:`, v));
}

/** The document as YAML text ending with a newline. */
export function toStackYaml(document: object): string {
  return `${lines(document, "").join("\n")}\n`;
}

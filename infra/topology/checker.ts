/**
 * Collects topology problems while the validators walk the input, plus the typed readers they
 * share. Readers report a problem and return undefined instead of throwing, so one walk finds
 * every problem. `undefined` and YAML's empty value (null) both mean "not given".
 */
import { closestKey } from "./closest-key";
import { TopologyIssue } from "./topology-error";

export type YamlMap = Record<string, unknown>;

/** YAML's empty value (null) counts as not given, like an absent key. */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

export function keyPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

function kindOf(value: unknown): string {
  if (value === null) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "boolean") return "a boolean";
  return `a ${typeof value}`;
}

export interface IntegerRule {
  min: number;
  max?: number;
  /** Shown in the fix, e.g. "30300". */
  example: number;
}

export class Checker {
  readonly issues: TopologyIssue[] = [];

  report(path: string, value: unknown, message: string, fix: string): void {
    this.issues.push({ path, value, message, fix });
  }

  /** A map; `example` completes "write a map such as …" when the type is wrong. */
  map(value: unknown, path: string, example: string): YamlMap | undefined {
    if (!isGiven(value)) return undefined;
    if (typeof value === "object" && !Array.isArray(value)) return value as YamlMap;
    this.report(path, value, `must be a map, not ${kindOf(value)}`, `write a map such as ${example}`);
    return undefined;
  }

  /** A map that must have content (a host, node or group entry left empty in YAML is a mistake). */
  settings(value: unknown, path: string, example: string): YamlMap | undefined {
    if (!isGiven(value)) {
      this.report(path, value, "has no settings", `write ${example}`);
      return undefined;
    }
    return this.map(value, path, example);
  }

  /** Reports keys outside `known`, naming the closest known one (typos would otherwise be ignored). */
  onlyKeys(map: YamlMap, path: string, known: readonly string[]): void {
    for (const [key, value] of Object.entries(map)) {
      if (known.includes(key)) continue;
      const guess = closestKey(key, known);
      const list = `known keys here: ${known.join(", ")}`;
      this.report(keyPath(path, key), value, `unknown key "${key}"`, guess === undefined ? `remove it; ${list}` : `did you mean "${guess}"? (${list})`);
    }
  }

  /** Reports a missing required entry; returns whether it is present. */
  present(map: YamlMap, key: string, path: string, fix: string): boolean {
    if (isGiven(map[key])) return true;
    this.report(keyPath(path, key), map[key], "is required", fix);
    return false;
  }

  /** A non-empty string. */
  text(value: unknown, path: string, example: string): string | undefined {
    if (!isGiven(value)) return undefined;
    if (typeof value !== "string") {
      this.report(path, value, `must be a string, not ${kindOf(value)}`, `write a quoted string such as "${example}"`);
      return undefined;
    }
    if (value === "") {
      this.report(path, value, "must not be empty", `write a value such as "${example}"`);
      return undefined;
    }
    return value;
  }

  /** A whole number within the rule's range; quoted numbers are rejected with a hint. */
  integer(value: unknown, path: string, rule: IntegerRule): number | undefined {
    if (!isGiven(value)) return undefined;
    const range = rule.max === undefined ? `at least ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    if (typeof value === "string" && /^-?\d+$/.test(value.trim())) {
      this.report(path, value, "must be a number, not a string", `write ${value.trim()} without quotes`);
      return undefined;
    }
    if (typeof value !== "number") {
      this.report(path, value, `must be a number, not ${kindOf(value)}`, `write a whole number ${range}, e.g. ${rule.example}`);
      return undefined;
    }
    if (!Number.isSafeInteger(value)) {
      this.report(path, value, "must be a whole number", `write a whole number ${range}, e.g. ${rule.example}`);
      return undefined;
    }
    if (value < rule.min || (rule.max !== undefined && value > rule.max)) {
      this.report(path, value, `must be ${range}`, `write a whole number ${range}, e.g. ${rule.example}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (!isGiven(value)) return undefined;
    if (typeof value === "boolean") return value;
    const unquote = value === "true" || value === "false";
    this.report(path, value, `must be true or false, not ${kindOf(value)}`, unquote ? `write ${value} without quotes` : "write true or false");
    return undefined;
  }

  /** A list of non-empty strings; bad items are reported and read as undefined (indexes stay put). */
  stringList(value: unknown, path: string, itemExample: string): (string | undefined)[] | undefined {
    if (!isGiven(value)) return undefined;
    if (!Array.isArray(value)) {
      this.report(path, value, `must be a list, not ${kindOf(value)}`, `write a list such as [${itemExample}]`);
      return undefined;
    }
    return value.map((item: unknown, i) => this.text(item, itemPath(path, i), itemExample));
  }
}

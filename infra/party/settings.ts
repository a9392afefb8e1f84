/**
 * `bcos:party` and `bcos:exchange` (docs in ../shared/contracts.md): which party of a consortium
 * this stack is, and how it sees the other parties' public material. Checked like the topology
 * (key, value, fix) before anything is registered; every problem is reported at once.
 */
import { Checker, YamlMap, isGiven, keyPath } from "../topology/checker";
import { closestKey } from "../topology/closest-key";
import { TopologyError } from "../topology/topology-error";
import type { Model } from "../topology/types";

export type PartySetting =
  /** No bcos:party: the stack is the whole consortium, as before parties existed. */
  { kind: "consortium" } | { kind: "committee" } | { kind: "agency"; agency: string };

export type ExchangeSetting =
  /** Fully qualified stack name with `{party}` where the party's name goes: `acme/bcos/{party}`. */
  | { kind: "stacks"; pattern: string }
  /** Folder holding `<party>.bundle` files. */
  | { kind: "dir"; dir: string };

export interface PartySettings {
  party: PartySetting;
  /** Present exactly when the party is committee or an agency. */
  exchange?: ExchangeSetting;
}

const PARTY_KEY = "bcos:party";
const EXCHANGE_KEY = "bcos:exchange";
const PARTY_PLACEHOLDER = "{party}";
const STACK_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const EXCHANGE_EXAMPLE = `{ dir: /mnt/consortium/bundles } or { stacks: "acme/bcos/${PARTY_PLACEHOLDER}" }`;

/** Reads both keys as Pulumi hands them over (an object key may arrive as its JSON text). */
export function readPartySettings(partyValue: unknown, exchangeValue: unknown, model: Model): PartySettings {
  const c = new Checker();
  const party = readParty(c, partyValue, model);
  const exchange = readExchange(c, exchangeValue);
  if (party?.kind === "consortium" && exchange) {
    c.report(
      EXCHANGE_KEY,
      exchangeValue,
      "is set but bcos:party is not, so this stack is the whole consortium and exchanges with no one",
      `set bcos:party (committee or an agency name), or remove ${EXCHANGE_KEY}`,
    );
  }
  if (party && party.kind !== "consortium" && !isGiven(exchangeValue)) {
    c.report(
      EXCHANGE_KEY,
      exchangeValue,
      "is required when bcos:party is set (the parties must see each other's public material)",
      `pulumi config set --path ${EXCHANGE_KEY}.dir /mnt/consortium/bundles (or ${EXCHANGE_KEY}.stacks "acme/bcos/${PARTY_PLACEHOLDER}")`,
    );
  }
  if (c.issues.length > 0 || !party) throw new TopologyError(c.issues, "stack config", "setting");
  return party.kind === "consortium" ? { party } : { party, exchange };
}

/** The stack a `stacks` exchange reads for `party`. */
export function stackNameOf(exchange: { pattern: string }, party: string): string {
  return exchange.pattern.split(PARTY_PLACEHOLDER).join(party);
}

function readParty(c: Checker, value: unknown, model: Model): PartySetting | undefined {
  if (!isGiven(value)) return { kind: "consortium" };
  const agencies = model.agencies.map((a) => a.name);
  const name = c.text(value, PARTY_KEY, "committee");
  if (name === undefined) return undefined;
  if (name === "committee") return { kind: "committee" };
  if (agencies.includes(name)) return { kind: "agency", agency: name };
  const guess = closestKey(name, ["committee", ...agencies]);
  const choices = `committee or an agency of bcos:topology (${agencies.join(", ") || "none"})`;
  c.report(PARTY_KEY, value, "is neither committee nor an agency of the topology", guess ? `did you mean "${guess}"? (${choices})` : `set it to ${choices}`);
  return undefined;
}

function readExchange(c: Checker, value: unknown): ExchangeSetting | undefined {
  if (!isGiven(value)) return undefined;
  const map = c.map(parsedJson(value), EXCHANGE_KEY, EXCHANGE_EXAMPLE);
  if (!map) return undefined;
  c.onlyKeys(map, EXCHANGE_KEY, ["stacks", "dir"]);
  const given = (["stacks", "dir"] as const).filter((k) => isGiven(map[k]));
  if (given.length !== 1) {
    c.report(EXCHANGE_KEY, value, given.length === 0 ? "names no exchange" : "names both a folder and stacks", `give exactly one: ${EXCHANGE_EXAMPLE}`);
    return undefined;
  }
  return given[0] === "dir" ? readDir(c, map) : readStacks(c, map);
}

/** `pulumi config set bcos:exchange '{"dir": …}'` without --path stores the JSON text. */
function parsedJson(value: unknown): unknown {
  if (typeof value !== "string" || !value.trim().startsWith("{")) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function readDir(c: Checker, map: YamlMap): ExchangeSetting | undefined {
  const dir = c.text(map.dir, keyPath(EXCHANGE_KEY, "dir"), "/mnt/consortium/bundles");
  return dir === undefined ? undefined : { kind: "dir", dir };
}

function readStacks(c: Checker, map: YamlMap): ExchangeSetting | undefined {
  const path = keyPath(EXCHANGE_KEY, "stacks");
  const pattern = c.text(map.stacks, path, `acme/bcos/${PARTY_PLACEHOLDER}`);
  if (pattern === undefined) return undefined;
  const fix = `write <organization>/<project>/<stack> with ${PARTY_PLACEHOLDER} where the party's name goes, e.g. "acme/bcos/${PARTY_PLACEHOLDER}"`;
  if (!pattern.includes(PARTY_PLACEHOLDER)) {
    c.report(path, pattern, `has no ${PARTY_PLACEHOLDER}, so every party would read the same stack`, fix);
    return undefined;
  }
  const segments = stackNameOf({ pattern }, "party").split("/");
  if (segments.length !== 3 || !segments.every((s) => STACK_SEGMENT.test(s))) {
    c.report(path, pattern, "is not a fully qualified stack name (three parts of letters, digits, _ . - separated by /)", fix);
    return undefined;
  }
  return { kind: "stacks", pattern };
}

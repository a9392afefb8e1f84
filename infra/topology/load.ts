/**
 * Where a topology comes from: a standalone YAML file, a Pulumi stack config file holding it under
 * `bcos:topology`, or the config value the Pulumi program reads. All three end in validateTopology;
 * a stack file read here gives the Model the Pulumi program gets from the same stack.
 */
import { closeSync, openSync, readSync } from "node:fs";
import * as yaml from "js-yaml";
import { isGiven, itemPath, keyPath } from "./checker";
import { clip, TopologyError } from "./topology-error";
import { Model } from "./types";
import { validateTopology } from "./validate";

const CONFIG_KEY = "bcos:topology";

/** A topology is a few kilobytes; a file far larger is not one and would only be slow to check. */
const MAX_BYTES = 1024 * 1024;
/**
 * Values in the document once YAML aliases are expanded. A few nested aliases can stand for
 * billions of values ("billion laughs"), which every later walk would visit.
 */
const MAX_VALUES = 100_000;

const tooLarge = (source: string, bytes: number, place = source) =>
  new TopologyError(
    [
      {
        path: place,
        value: `${bytes} bytes`,
        message: `is larger than ${MAX_BYTES} bytes, far more than any topology`,
        fix: "give the topology file itself (a few kilobytes), not another file",
      },
    ],
    source,
  );

/** Where a document passes MAX_VALUES values: the path, and the top-level entry it is in. */
interface Overflow {
  path: string;
  entry: unknown;
}

/**
 * Where the document, with every alias expanded, passes MAX_VALUES values; undefined when it
 * stays below. Stops as soon as it passes, so the cost is bounded whatever the aliases expand to.
 */
function overflowOf(document: unknown): Overflow | undefined {
  let count = 0;
  const pending: [value: unknown, path: string, entry: unknown][] = [[document, "", document]];
  while (pending.length > 0) {
    const [value, path, entry] = pending.pop()!;
    const children: [unknown, string][] = Array.isArray(value)
      ? value.map((item, i) => [item, itemPath(path, i)])
      : typeof value === "object" && value !== null
        ? Object.entries(value).map(([key, item]) => [item, keyPath(path, key)])
        : [];
    count += children.length;
    if (count > MAX_VALUES) return { path, entry };
    for (const [item, itemAt] of children) pending.push([item, itemAt, path === "" ? item : entry]);
  }
  return undefined;
}

function parseYaml(text: string, source: string): unknown {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_BYTES) throw tooLarge(source, bytes);
  let document: unknown;
  try {
    // CORE_SCHEMA: plain YAML 1.2 scalars, so dates stay strings and nothing exotic appears.
    // js-yaml itself refuses nesting deeper than 100 (its maxDepth), so parsing cannot exhaust the stack.
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: source });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const line = error.mark.line + 1;
    const column = error.mark.column + 1;
    const lineText = text.split(/\r?\n/, error.mark.line + 1)[error.mark.line]?.trim();
    throw new TopologyError(
      [
        {
          path: `${source}:${line}:${column}`,
          value: lineText,
          message: `YAML syntax error: ${clip(error.reason, 200)}`,
          fix: `correct the YAML at line ${line}`,
        },
      ],
      source,
    );
  }
  const overflow = overflowOf(document);
  if (overflow !== undefined) {
    throw new TopologyError(
      [
        {
          path: overflow.path === "" ? source : overflow.path,
          value: overflow.entry,
          message: `holds more than ${MAX_VALUES} values once YAML aliases (*name) are expanded; even a large topology has a few thousand`,
          fix: "write the repeated parts out instead of nesting aliases (each alias repeats all it refers to)",
        },
      ],
      source,
    );
  }
  return document;
}

/**
 * The value as a Pulumi program receives it. The Pulumi CLI stores a structured config value as
 * JSON made from a Go map, which sorts map keys; so under `pulumi up`, hosts, agencies and nodes
 * arrive in name order, not file order. Reading a stack file the same way keeps `render` on the
 * file and the deployed program agreeing on order and default ports.
 */
function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, withSortedKeys(item)]));
}

/** The topology inside a parsed document: the document itself, or a stack file's `bcos:topology`. */
function topologyOf(document: unknown, source: string): unknown {
  const isMap = typeof document === "object" && document !== null && !Array.isArray(document);
  if (!isMap || !("config" in document)) return document;
  const config = (document as { config: unknown }).config;
  const value = typeof config === "object" && config !== null ? (config as Record<string, unknown>)[CONFIG_KEY] : undefined;
  if (!isGiven(value)) {
    throw new TopologyError(
      [{ path: `config.${CONFIG_KEY}`, value, message: "stack config file has no topology", fix: `put the topology under config: ${CONFIG_KEY}:` }],
      source,
    );
  }
  // `pulumi config set bcos:topology '<json>'` stores the topology as a JSON string, which Pulumi
  // passes on untouched (key order included).
  return typeof value === "string" ? parseYaml(value, `${source} (${CONFIG_KEY})`) : withSortedKeys(value);
}

/** Parses and validates YAML text; `source` names it in error messages. */
export function parseTopologyYaml(text: string, source: string): Model {
  return validateTopology(topologyOf(parseYaml(text, source), source), source);
}

/** The file's text, reading at most one byte past MAX_BYTES (the file may be a device or a pipe). */
function readBounded(path: string): string {
  const buffer = Buffer.alloc(MAX_BYTES + 1);
  const fd = openSync(path, "r");
  try {
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_BYTES) throw tooLarge(path, length, path);
    return buffer.toString("utf8", 0, length);
  } finally {
    closeSync(fd);
  }
}

export function loadTopologyFile(path: string): Model {
  let text: string;
  try {
    text = readBounded(path);
  } catch (error) {
    if (error instanceof TopologyError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TopologyError([{ path, value: path, message: `cannot read the topology file (${reason})`, fix: "check the file name" }], path);
  }
  return parseTopologyYaml(text, path);
}

/**
 * For the Pulumi program: the value of `new pulumi.Config("bcos").requireObject("topology")`. The
 * program installs nodes when chain.install is true, so chain.binary is required then.
 */
export function topologyFromConfigValue(value: unknown): Model {
  return validateTopology(value, `stack config ${CONFIG_KEY}`, { installs: true });
}

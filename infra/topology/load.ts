/**
 * Where a topology comes from: a standalone YAML file, a Pulumi stack config file holding it under
 * `bcos:topology`, or the config value the Pulumi program reads. All three end in validateTopology;
 * a stack file read here gives the Model the Pulumi program gets from the same stack.
 */
import { readFileSync } from "node:fs";
import * as yaml from "js-yaml";
import { isGiven } from "./checker";
import { TopologyError } from "./topology-error";
import { Model } from "./types";
import { validateTopology } from "./validate";

const CONFIG_KEY = "bcos:topology";

function parseYaml(text: string, source: string): unknown {
  try {
    // CORE_SCHEMA: plain YAML 1.2 scalars, so dates stay strings and nothing exotic appears.
    return yaml.load(text, { schema: yaml.CORE_SCHEMA, filename: source });
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    const line = error.mark.line + 1;
    const column = error.mark.column + 1;
    const lineText = text.split(/\r?\n/)[error.mark.line]?.trim();
    throw new TopologyError(
      [{ path: `${source}:${line}:${column}`, value: lineText, message: `YAML syntax error: ${error.reason}`, fix: `correct the YAML at line ${line}` }],
      source,
    );
  }
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

export function loadTopologyFile(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TopologyError([{ path, value: path, message: `cannot read the topology file (${reason})`, fix: "check the file name" }], path);
  }
  return parseTopologyYaml(text, path);
}

/** For the Pulumi program: the value of `new pulumi.Config("bcos").requireObject("topology")`. */
export function topologyFromConfigValue(value: unknown): Model {
  return validateTopology(value, `stack config ${CONFIG_KEY}`);
}

/** The dev stack's topology, as the Pulumi program receives it (`bcos:topology`). */
import { readFileSync } from "node:fs";
import path from "node:path";
import * as yaml from "js-yaml";
import { topologyFromConfigValue } from "../../infra/topology/load";
import type { Model } from "../../infra/topology/types";

const PROJECT_ROOT = path.resolve(__dirname, "../..");

/** The raw `bcos:topology` value of stacks/Pulumi.dev.yaml (a fresh copy each call). */
export function devTopology(): Record<string, unknown> {
  const stack = yaml.load(readFileSync(path.join(PROJECT_ROOT, "stacks/Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  return stack.config["bcos:topology"] as Record<string, unknown>;
}

export function devModel(): Model {
  return topologyFromConfigValue(devTopology());
}

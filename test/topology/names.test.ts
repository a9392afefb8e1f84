/**
 * Names that would be lost or misplaced (issue 11.7): `__proto__` as a sealer passes through JSON
 * (how Pulumi hands config to the program) and through a stack file, and is refused either way
 * instead of silently dropping out of a group's roles.
 */
import { describe, expect, it } from "vitest";
import { parseTopologyYaml, TopologyError, topologyFromConfigValue } from "../../infra/topology";

const json = (name: string) =>
  `{"chain":{"install":false},"hosts":{"h":{"address":"127.0.0.1","connection":"local","deployDir":"/opt/fisco"}},` +
  `"agencies":{"agencyA":{"nodes":{"node0":{"host":"h"},"${name}":{"host":"h"}}}},"groups":{"1":{"sealers":["node0","${name}"]}}}`;

function refusal(run: () => unknown): TopologyError {
  try {
    run();
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw error;
  }
  throw new Error("the topology was accepted");
}

describe.each(["__proto__", "constructor", "prototype", "hasOwnProperty"])("a sealer named %s", (name) => {
  it("is refused from the config value the program gets", () => {
    const error = refusal(() => topologyFromConfigValue(JSON.parse(json(name))));
    expect(error.issues.map((i) => [i.path, i.value])).toEqual([[`agencies.agencyA.nodes.${name}`, name]]);
    expect(error.message).toContain("is reserved");
  });

  it("is refused from a stack file (keys sorted as Pulumi delivers them)", () => {
    const error = refusal(() => parseTopologyYaml(`config:\n  bcos:topology: ${json(name)}\n`, "Pulumi.x.yaml"));
    expect(error.issues.map((i) => i.path)).toEqual([`agencies.agencyA.nodes.${name}`]);
  });
});

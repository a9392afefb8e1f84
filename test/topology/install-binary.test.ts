/**
 * chain.binary is needed only where nodes are installed (issue 14.2): the Pulumi program with
 * chain.install true refuses a topology without it, naming the key and the fix; validation for
 * render and validate accepts it.
 */
import { describe, expect, it } from "vitest";
import { parseTopologyYaml, TopologyError, topologyFromConfigValue, validateTopology } from "../../infra/topology";
import { baseTopology } from "./invalid-cases";

const installing = () => {
  const t = baseTopology();
  t.chain.install = true;
  return t;
};
const byDefault = () => {
  const t = baseTopology();
  delete t.chain;
  return t;
};

describe.each([
  ["chain.install: true", installing],
  ["chain.install left to its default (true)", byDefault],
])("a topology with %s and no chain.binary", (_name, topology) => {
  it("is valid for render and validate", () => {
    expect(validateTopology(topology()).chain).toMatchObject({ install: true });
    expect(parseTopologyYaml(JSON.stringify(topology()), "t.yaml").chain.binary).toBeUndefined();
  });

  it("is refused by the program, naming chain.binary and the fix", () => {
    let error: unknown;
    try {
      topologyFromConfigValue(topology());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyError);
    const issues = (error as TopologyError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "chain.binary", value: undefined });
    expect(issues[0].message).toContain("required when chain.install is true");
    expect(issues[0].fix).toContain("set chain.binary.path");
    expect(issues[0].fix).toContain("chain.install: false");
  });
});

it("the program accepts no chain.binary when nothing is installed", () => {
  expect(topologyFromConfigValue(baseTopology()).chain).toMatchObject({ install: false });
});

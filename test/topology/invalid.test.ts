import { describe, expect, it } from "vitest";
import { parseTopologyYaml, TopologyError, TopologyIssue, validateTopology } from "../../infra/topology";
import { invalidTopologies } from "./invalid-cases";

function issuesOf(run: () => unknown): readonly TopologyIssue[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return (error as TopologyError).issues;
  }
  throw new Error("expected a TopologyError, but the topology was accepted");
}

describe("invalid topologies", () => {
  it("has enough distinct cases", () => {
    expect(invalidTopologies.length).toBeGreaterThanOrEqual(45);
    expect(new Set(invalidTopologies.map((c) => c.name)).size).toBe(invalidTopologies.length);
    expect(new Set(invalidTopologies.map((c) => c.yaml)).size).toBe(invalidTopologies.length);
  });

  describe.each(invalidTopologies)("$name", (c) => {
    const check = (issues: readonly TopologyIssue[]) => {
      const issue = issues.find((i) => i.path === c.path && i.message.includes(c.messagePart));
      expect(issue, `no issue at ${c.path} mentioning "${c.messagePart}" in:\n${issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`).toBeDefined();
      expect(issue!.value).toEqual(c.value);
      expect(issue!.fix.length).toBeGreaterThan(10);
      if (c.fixPart !== undefined) expect(issue!.fix).toContain(c.fixPart);
      expect(issues).toHaveLength(c.issueCount);
    };

    it("is rejected from YAML", () => check(issuesOf(() => parseTopologyYaml(c.yaml, "case.yaml"))));
    it("is rejected from a config value", () => check(issuesOf(() => validateTopology(c.topology))));
  });
});

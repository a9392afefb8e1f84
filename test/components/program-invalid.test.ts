/** On a bad topology the program fails with the validator's message and registers nothing. */
import { beforeAll, expect, it } from "vitest";
import type { TopologySpec } from "../../infra/topology/types";
import { devTopology } from "./dev-stack";
import { type Registration, settled, startMocks } from "./mock-run";

let registrations: Registration[];
let failure: unknown;

beforeAll(async () => {
  const spec = devTopology() as unknown as TopologySpec;
  spec.agencies.agencyB.nodes!.node3.host = "remote";
  registrations = await startMocks({ "bcos:topology": JSON.stringify(spec), "bcos:outputDir": "/nonexistent" });
  failure = await import("../../index").then(
    () => undefined,
    (error: unknown) => error,
  );
  await settled();
});

it("fails with the validator's path, value and fix", () => {
  expect(String(failure)).toContain("agencies.agencyB.nodes.node3.host");
  expect(String(failure)).toContain('unknown host "remote"');
  expect(String(failure)).toContain("declare remote under hosts or use one of: local");
});

it("registers no resource", () => {
  expect(registrations).toEqual([]);
});

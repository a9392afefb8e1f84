/**
 * The membership domain (planner, quorum, liveness, roles and endpoints, observation, execution)
 * lives in infra/membership/ and depends on no Pulumi resource or provider: the providers use it,
 * never the other way round (issue 10).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(__dirname, "..", "..", "infra", "membership");

describe("infra/membership", () => {
  it("imports nothing from infra/providers/ and nothing of Pulumi", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(files).toEqual(expect.arrayContaining(["plan.ts", "quorum.ts", "liveness.ts", "types.ts"]));
    const offending = files.flatMap((f) =>
      [...readFileSync(join(dir, f), "utf8").matchAll(/from "([^"]+)"/g)]
        .map((m) => m[1])
        .filter((spec) => spec.includes("/providers/") || spec.startsWith("@pulumi/"))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});

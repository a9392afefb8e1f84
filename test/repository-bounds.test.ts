/**
 * Tests read nothing outside the repository (a user's clone has nothing beside it): every
 * relative path written in a test or bench source, as a "../…" string or as `__dirname, "..", …`,
 * stays inside the repository, and none names the reference folder the fixtures were copied from.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(__dirname, "..");

const sources = ["test", "bench"].flatMap((dir) =>
  readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|mts)$/.test(f))
    .map((f) => join(root, dir, f)),
);

/** The relative paths a source spells out, each resolved against its folder. */
function pathsIn(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const literals = [...text.matchAll(/["'`]((?:\.\.\/)+[^"'`]*)["'`]/g)].map((m) => m[1]);
  const joined = [...text.matchAll(/__dirname((?:\s*,\s*"\.\.")+)/g)].map((m) => (m[1].match(/"\.\."/g) ?? []).map(() => "..").join("/"));
  return [...literals, ...joined].map((p) => resolve(dirname(file), p));
}

describe("repository bounds", () => {
  it("no test or bench source reaches outside the repository or names ../shared", () => {
    expect(sources.length).toBeGreaterThan(50);
    const outside = sources.flatMap((file) =>
      pathsIn(file)
        .filter((p) => p !== root && !p.startsWith(root + sep))
        .map((p) => `${relative(root, file)} → ${p}`),
    );
    const shared = sources.filter((file) => /shared\/reference|\/work\/shared/.test(readFileSync(file, "utf8"))).map((f) => relative(root, f));
    expect(outside).toEqual([]);
    expect(shared).toEqual([]);
  });
});

/**
 * `pulumi up` (the program under mocks, the real TextFile provider) writes the picture beside the
 * packages: `<outputDir>/topology.mmd` and `topology.svg`, as the diagram command draws them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderMermaid, renderSvg } from "../../infra/diagram";
import { textFileProvider } from "../../infra/providers/text-file-provider";
import { devModel, devTopology } from "../components/dev-stack";
import { type Registration, settled, startMocks } from "../components/mock-run";

let outputDir: string;
let registrations: Registration[];

beforeAll(async () => {
  outputDir = mkdtempSync(path.join(tmpdir(), "bcos-diagram-"));
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": outputDir });
  await import("../../index");
  await settled();
});

afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

describe("the program writes the diagram", () => {
  it("as topology.mmd and topology.svg beside the packages, mode 0644", () => {
    const model = devModel();
    expect(readFileSync(path.join(outputDir, "topology.mmd"), "utf8")).toBe(renderMermaid(model));
    expect(readFileSync(path.join(outputDir, "topology.svg"), "utf8")).toBe(renderSvg(model));
    expect(existsSync(path.join(outputDir, "agencyA.tar.gz"))).toBe(true);
    for (const file of ["topology.mmd", "topology.svg"]) expect(statSync(path.join(outputDir, file)).mode & 0o777).toBe(0o644);
  });

  it("through one TextFile resource per format under the consortium", () => {
    const files = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/bcos:TextFile");
    expect(files.map((r) => r.name).sort()).toEqual(["consortium-diagram-mermaid", "consortium-diagram-svg"]);
    expect(files.every((r) => r.parent.endsWith("::consortium"))).toBe(true);
  });
});

describe("the TextFile provider", () => {
  it("rewrites only on a content change, replaces on a new path, and removes the file on delete", async () => {
    const target = path.join(outputDir, "sub", "picture.txt");
    const created = await textFileProvider.create({ path: target, content: "one\n" });
    expect(readFileSync(target, "utf8")).toBe("one\n");
    const olds = created.outs;
    expect((await textFileProvider.diff!(created.id, olds, { path: target, content: "one\n" })).changes).toBe(false);
    expect((await textFileProvider.diff!(created.id, olds, { path: target, content: "two\n" })).changes).toBe(true);
    expect(await textFileProvider.diff!(created.id, olds, { path: `${target}.new`, content: "one\n" })).toMatchObject({ changes: true, replaces: ["path"] });
    await textFileProvider.update!(created.id, olds, { path: target, content: "two\n" });
    expect(readFileSync(target, "utf8")).toBe("two\n");
    await textFileProvider.delete!(created.id, olds);
    expect(existsSync(target)).toBe(false);
  });
});

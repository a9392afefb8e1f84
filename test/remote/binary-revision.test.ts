/** binaryRevision: the value that re-runs node installs when the binary changes. */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { binaryRevision } from "../../infra/remote";

const dir = mkdtempSync(path.join(tmpdir(), "bcos-binary-revision-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("is the declared sha256 when there is one (a url always has one)", () => {
  expect(binaryRevision({ url: "https://example.com/fisco-bcos.tar.gz", sha256: "ab".repeat(32) })).toBe("ab".repeat(32));
});

it("is the local file's own digest when no sha256 is declared, so a new file gives a new value", () => {
  const file = path.join(dir, "fisco-bcos");
  writeFileSync(file, "build 1");
  expect(binaryRevision({ path: file })).toBe(createHash("sha256").update("build 1").digest("hex"));
  writeFileSync(file, "build 2");
  expect(binaryRevision({ path: file })).toBe(createHash("sha256").update("build 2").digest("hex"));
});

it("names the path when the file cannot be read", () => {
  expect(() => binaryRevision({ path: path.join(dir, "missing") })).toThrow(/chain\.binary\.path .*missing: cannot read it \(ENOENT\)/);
});

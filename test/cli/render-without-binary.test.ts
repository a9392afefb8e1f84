/**
 * `render` and `validate` never need `chain.binary` (issue 14.2): run the real executable on a
 * topology that installs (explicitly, or by default) but names no binary. Both succeed, render
 * writes the chain, and both say that `pulumi up` will still want the binary.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
let work: string;

const body = [
  "hosts:",
  "  local: { address: 127.0.0.1, connection: local, deployDir: /tmp/bcos-pulumi/no-binary }",
  "agencies:",
  "  agencyA:",
  "    nodes:",
  "      node0: { host: local }",
  "      node1: { host: local }",
  "groups:",
  "  1: { sealers: [node0, node1], timestamp: 1700000000000 }",
];
const TOPOLOGIES = {
  "install: true": ["chain: { id: 1, install: true }", ...body].join("\n"),
  "install by default": body.join("\n"),
  "a stack file with install: true": ["config:", "  bcos:topology:", "    chain: { install: true }", ...body.map((l) => `    ${l}`)].join("\n"),
};

function runCli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, "bin", "bcos-pulumi.js"), ...args], { cwd: root, encoding: "utf8" });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bcos-cli-no-binary-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(Object.entries(TOPOLOGIES).map(([name, text], i) => ({ name, text, i })))("a topology with $name and no chain.binary", ({ text, i }) => {
  const file = () => join(work, `topology-${i}.yaml`);
  beforeAll(() => writeFileSync(file(), `${text}\n`));

  it("passes validate, with a note that pulumi up needs the binary", () => {
    const result = runCli("validate", "--topology", file());
    expect(result.stderr).not.toContain("error");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("valid (2 nodes, 1 agencies, groups 1)");
    expect(result.stderr).toContain("pulumi up will refuse until chain.binary.path");
  });

  it("renders the chain", () => {
    const out = join(work, `out-${i}`);
    const result = runCli("render", "--topology", file(), "--out", out);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["agencyA", "chain"]);
    expect(existsSync(join(out, "agencyA", "node1", "conf", "group.1.genesis"))).toBe(true);
    expect(result.stderr).toContain("chain.binary is not set");
  });
});

it("says nothing about a binary when nothing is installed", () => {
  const file = join(work, "no-install.yaml");
  writeFileSync(file, ["chain: { install: false }", ...body].join("\n"));
  const result = runCli("validate", "--topology", file);
  expect(result.status).toBe(0);
  expect(result.stderr).toBe("");
});

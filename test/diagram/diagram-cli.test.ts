/** `bcos-pulumi diagram` as a user runs it: the real executable, stdout, exit codes. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderMermaid, renderSvg } from "../../infra/diagram";
import { loadTopologyFile } from "../../infra/topology/load";

const root = join(__dirname, "..", "..");
const devStack = join(root, "stacks", "Pulumi.dev.yaml");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, "bin", "bcos-pulumi.js"), ...args], { cwd: root, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("bcos-pulumi diagram", () => {
  it("prints the Mermaid flowchart by default and the SVG with --format svg", () => {
    const model = loadTopologyFile(devStack);
    const mermaid = cli("diagram", "--topology", devStack);
    expect(mermaid).toMatchObject({ code: 0, stderr: "" });
    expect(mermaid.stdout).toBe(renderMermaid(model));
    const svg = cli("diagram", "--topology", devStack, "--format", "svg");
    expect(svg).toMatchObject({ code: 0, stderr: "" });
    expect(svg.stdout).toBe(renderSvg(model));
    expect(cli("diagram", "--format", "mermaid", "--topology", devStack).stdout).toBe(mermaid.stdout);
  });

  it("refuses a bad format or missing topology with the usage (exit 2), a bad topology with its problem (exit 1)", () => {
    const format = cli("diagram", "--topology", devStack, "--format", "png");
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown --format "png": use mermaid or svg');
    expect(format.stderr).toContain("bcos-pulumi diagram --topology <file.yaml> [--format mermaid|svg]");
    expect(format.stdout).toBe("");
    expect(cli("diagram").stderr).toContain("missing --topology");
    const missing = cli("diagram", "--topology", join(root, "no-such.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read the topology file");
  });

  it("is listed in help", () => {
    expect(cli("help").stdout).toContain("bcos-pulumi diagram --topology <file.yaml> [--format mermaid|svg]");
  });
});

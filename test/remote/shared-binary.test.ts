/**
 * The node binary in a deployDir several agency stacks share (place-shared-binary.sh, real bash
 * with fake `fisco-bcos -v` binaries): placed where there is none, kept when equal, replaced only
 * while no other stack's node folder is there, and otherwise refused with the binary left as it
 * was. The single stack's script is byte for byte what it was before the split.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BINARY_INSTALL_STDIN, SHARED_BINARY_INSTALL_STDIN, binaryInstallCommand } from "../../infra/remote";

const work = mkdtempSync(path.join(tmpdir(), "bcos-shared-binary-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
/** A stand-in for the node binary that only reports its version; `build` makes two files differ. */
function fakeBinary(build: string): string {
  const file = path.join(work, `fisco-bcos-${build}`);
  writeFileSync(file, `#!/bin/sh\n# build ${build}\necho 'FISCO-BCOS Version : 2.11.1 gm'\n`, { mode: 0o755 });
  return file;
}
const A = fakeBinary("a");
const B = fakeBinary("b");

function place(deployDir: string, file: string, owner: string) {
  const command = binaryInstallCommand({ deployDir, origin: { file }, sha256: sha256(file), version: "2.11.1", smCrypto: true, sharedBy: owner });
  const r = spawnSync("sh", ["-c", command], { input: SHARED_BINARY_INSTALL_STDIN, encoding: "utf8", cwd: work, timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A node folder as install-node.sh leaves it: config.ini and the marker naming its stack. */
function nodeFolder(deployDir: string, node: string, stack: string) {
  mkdirSync(path.join(deployDir, node), { recursive: true });
  writeFileSync(path.join(deployDir, node, "config.ini"), "");
  writeFileSync(path.join(deployDir, node, ".bcos-pulumi-owner"), `# Made by bcos-pulumi\nstack=${stack}\nnode=${node}\nnode_id=00\n`);
}

describe("the node binary in a deployDir shared by agency stacks", () => {
  it("the single stack's binary script is unchanged by the split into fetch and place", () => {
    expect(createHash("sha256").update(BINARY_INSTALL_STDIN).digest("hex")).toBe("a92194dce6aba9b80e45fe72c4707fc736fc3710b6c62cc40ab8a8f42b525ab4");
    expect(binaryInstallCommand({ deployDir: "/d", origin: { file: "/f" }, sha256: "00", version: "2.11.1", smCrypto: true })).not.toContain("owner=");
  });

  it("is placed where there is none, and kept when another stack brings the same file", () => {
    const dir = path.join(work, "same");
    const first = place(dir, A, "bcos/agencyA");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`installed at ${dir}/fisco-bcos`);
    nodeFolder(dir, "node0", "bcos/agencyA");
    const second = place(dir, A, "bcos/agencyB");
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain("unchanged");
    expect(sha256(path.join(dir, "fisco-bcos"))).toBe(sha256(A));
  });

  it("a different binary is refused while another stack's nodes run from the one there, which is left as it is", () => {
    const dir = path.join(work, "refused");
    expect(place(dir, A, "bcos/agencyA").status).toBe(0);
    nodeFolder(dir, "node0", "bcos/agencyA");
    nodeFolder(dir, "node2", "bcos/agencyB");
    const r = place(dir, B, "bcos/agencyB");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `${dir}/fisco-bcos (sha256 ${sha256(A)}) differs from chain.binary, and nodes of other stacks run from it: node0 (stack bcos/agencyA)`,
    );
    expect(r.stderr).toContain("give this agency's hosts a deployDir of their own");
    expect(sha256(path.join(dir, "fisco-bcos"))).toBe(sha256(A));
  });

  it("a folder with a config.ini and no marker (another tool's node) counts as another stack's", () => {
    const dir = path.join(work, "unmarked");
    expect(place(dir, A, "bcos/agencyA").status).toBe(0);
    mkdirSync(path.join(dir, "node9"));
    writeFileSync(path.join(dir, "node9", "config.ini"), "");
    const r = place(dir, B, "bcos/agencyA");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("node9 (no .bcos-pulumi-owner)");
    expect(sha256(path.join(dir, "fisco-bcos"))).toBe(sha256(A));
  });

  it("is replaced while only this stack's nodes are there (its own upgrade)", () => {
    const dir = path.join(work, "own");
    expect(place(dir, A, "bcos/agencyA").status).toBe(0);
    nodeFolder(dir, "node0", "bcos/agencyA");
    const r = place(dir, B, "bcos/agencyA");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("only this stack's nodes run from it");
    expect(sha256(path.join(dir, "fisco-bcos"))).toBe(sha256(B));
  });
});

/**
 * `render` refuses bad input before writing anything: every invalid topology of the validation
 * suite, a non-empty --out without --force, and a bad --ca. Runs `main` in-process (the same code
 * the executable runs) for the many cases, and the real executable for one of each kind.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../infra/cli/main";
import { Scratch, verifyLink } from "../crypto/openssl-harness";
import { invalidTopologies } from "../topology/invalid-cases";

const root = join(__dirname, "..", "..");
const devStack = join(root, "stacks", "Pulumi.dev.yaml");
let work: string;

const pems = (text: string): string[] => [...(text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n/g) ?? [])];

function runCli(...args: string[]) {
  return spawnSync(process.execPath, [join(root, "bin", "bcos-pulumi.js"), ...args], { cwd: root, encoding: "utf8" });
}

/** Runs main in-process with stderr captured. */
async function runMain(...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = "";
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(args), stderr };
  } finally {
    spy.mockRestore();
  }
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bcos-cli-refuse-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("render on invalid topologies", () => {
  it.each(invalidTopologies.map((c, i) => [c.name, c, i] as const))(
    "%s: exits non-zero with the validator's message and writes nothing",
    async (_name, c, i) => {
      const file = join(work, `invalid-${i}.yaml`);
      writeFileSync(file, c.yaml);
      const out = join(work, `out-${i}`);
      const { code, stderr } = await runMain("render", "--topology", file, "--out", out);
      expect(code).not.toBe(0);
      expect(stderr).toContain(c.path);
      expect(stderr).toContain(c.messagePart);
      expect(stderr).toContain("Fix:");
      expect(existsSync(out)).toBe(false);
    },
  );

  it("the real executable exits 1 and names path, value and fix", () => {
    const c = invalidTopologies[0];
    const file = join(work, "invalid-real.yaml");
    writeFileSync(file, c.yaml);
    const out = join(work, "out-real");
    const result = runCli("render", "--topology", file, "--out", out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(c.path);
    expect(result.stderr).toContain("Fix:");
    expect(existsSync(out)).toBe(false);
  });

  it("a usage error exits 2 and prints the usage", () => {
    const result = runCli("render", "--topology", devStack);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("missing --out <dir>");
    expect(result.stderr).toContain("Usage:");
  });
});

describe("render output folder", () => {
  it("refuses a non-empty --out without --force and leaves it as it was; --force writes", async () => {
    const out = join(work, "busy");
    mkdirSync(out);
    writeFileSync(join(out, "keep.txt"), "mine");
    const refused = await runMain("render", "--topology", devStack, "--out", out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("--force");
    expect(readdirSync(out)).toEqual(["keep.txt"]);

    const forced = await runMain("render", "--topology", devStack, "--out", out, "--force");
    expect(forced.code).toBe(0);
    expect(existsSync(join(out, "agencyA", "node0", "config.ini"))).toBe(true);
  });
});

describe("render --ca (bring your own chain CA)", () => {
  it("uses the imported CA, does not copy its keys, and node certificates chain to it (OpenSSL)", async () => {
    const first = join(work, "ca-source");
    expect((await runMain("render", "--topology", devStack, "--out", first)).code).toBe(0);
    const caDir = join(work, "my-ca");
    cpSync(join(first, "chain"), caDir, { recursive: true });

    const out = join(work, "with-ca");
    expect((await runMain("render", "--topology", devStack, "--out", out, "--ca", caDir)).code).toBe(0);
    expect(readdirSync(join(out, "chain")).sort()).toEqual(["ca.crt", "gmca.crt"]);
    const gmca = readFileSync(join(caDir, "gmca.crt"), "utf8");
    expect(readFileSync(join(out, "chain", "gmca.crt"), "utf8")).toBe(gmca);

    const ca = readFileSync(join(caDir, "ca.crt"), "utf8");
    const scratch = new Scratch();
    try {
      const nodeDirs = readdirSync(out)
        .filter((agency) => agency !== "chain")
        .flatMap((agency) => readdirSync(join(out, agency)).map((node) => join(out, agency, node)))
        .filter((dir) => existsSync(join(dir, "conf", "gmnode.crt")));
      expect(nodeDirs).toHaveLength(5);
      for (const dir of nodeDirs) {
        const conf = (...parts: string[]) => readFileSync(join(dir, "conf", ...parts), "utf8");
        // GM: node certificate → agency → the imported gmca.crt, each link SM2 with FISCO's default ID.
        const [leaf, agency, root, ...rest] = pems(conf("gmnode.crt"));
        expect([root, rest], dir).toEqual([gmca, []]);
        expect(conf("gmca.crt"), dir).toBe(gmca);
        for (const [cert, issuer] of [
          [leaf, agency],
          [pems(conf("gmennode.crt"))[0], agency],
          [agency, gmca],
        ]) {
          expect(verifyLink(scratch, cert, issuer, true).output, dir).toMatch(/: OK/);
        }
        // Standard: origin_cert/node.crt → agency → the imported ca.crt, verified as one chain.
        const [stdLeaf, stdAgency, stdRoot] = pems(conf("origin_cert", "node.crt"));
        expect(stdRoot, dir).toBe(ca);
        const chain = scratch.run(
          "verify",
          "-CAfile",
          scratch.file("ca.crt", ca),
          "-untrusted",
          scratch.file("agency.crt", stdAgency),
          scratch.file("leaf.crt", stdLeaf),
        );
        expect(chain.output, dir).toMatch(/: OK/);
      }
    } finally {
      scratch.remove();
    }
  });

  it("refuses a CA folder with a missing key, names the file and writes nothing", async () => {
    const caDir = join(work, "broken-ca");
    mkdirSync(caDir);
    const source = join(work, "ca-source", "chain");
    for (const f of ["ca.crt", "ca.key", "gmca.crt"]) cpSync(join(source, f), join(caDir, f));
    const out = join(work, "broken-ca-out");
    const { code, stderr } = await runMain("render", "--topology", devStack, "--out", out, "--ca", caDir);
    expect(code).toBe(1);
    expect(stderr).toContain("gmca.key");
    expect(existsSync(out)).toBe(false);
  });
});

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderNodeFolder } from "../../infra/fisco/node-folder";
import type { RenderedFile } from "../../infra/fisco/rendered-file";
import { renderNodeScripts } from "../../infra/fisco/scripts";
import { SAMPLE_IDS, fakePki, sampleModel } from "./fixtures";

/** Stand-in for the node binary: announces itself like fisco-bcos, then idles until SIGTERM. */
const FAKE_BINARY = `#!/bin/bash
trap 'kill "$child" 2>/dev/null; exit 0' TERM
echo "The FISCO-BCOS is running..."
sleep 300 &
child=$!
wait "$child"
`;

function writeFiles(root: string, files: RenderedFile[]): void {
  for (const f of files) {
    const target = path.join(root, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, f.mode);
  }
}

/** Runs a node script from an unrelated working directory, as an operator or cron would. */
function run(script: string) {
  const r = spawnSync("bash", [script], { cwd: tmpdir(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("node scripts", () => {
  it("pass bash -n", () => {
    for (const f of renderNodeScripts()) {
      const r = spawnSync("bash", ["-n"], { input: f.content, encoding: "utf8" });
      expect([f.path, r.status, r.stderr]).toEqual([f.path, 0, ""]);
      expect(f.content.startsWith("#!/usr/bin/env bash\n")).toBe(true);
      expect(f.content).toContain("set -u");
    }
  });

  describe("with a fake fisco-bcos next to two node folders", () => {
    // A space in the path checks the quoting.
    const deployDir = path.join(mkdtempSync(path.join(tmpdir(), "fisco scripts ")), "deploy dir");
    const node = (name: string, script: string) => path.join(deployDir, name, script);

    beforeAll(() => {
      const model = sampleModel();
      const pki = fakePki(model);
      for (const name of ["node0", "node1"]) writeFiles(deployDir, renderNodeFolder(model, pki, name, { 1: 1700000000000 }));
      writeFileSync(path.join(deployDir, "fisco-bcos"), FAKE_BINARY, { mode: 0o755 });
    });

    afterAll(() => {
      for (const name of ["node0", "node1"]) run(node(name, "stop.sh"));
      rmSync(path.dirname(deployDir), { recursive: true, force: true });
    });

    it("start.sh starts the node and reports success with its name", () => {
      const r = run(node("node0", "start.sh"));
      expect(r.out).toMatch(/^node0 started \(pid \d+\)\n$/);
      expect(r.status).toBe(0);
      expect(readFileSync(path.join(deployDir, "node0/nohup.out"), "utf8")).toContain("running");
    });

    it("a second start.sh says it is already running", () => {
      const r = run(node("node0", "start.sh"));
      expect(r.out).toMatch(/^node0 is already running \(pid \d+\)\n$/);
      expect(r.status).toBe(0);
    });

    it("tells nodes sharing the binary apart", () => {
      const r = run(node("node1", "start.sh"));
      expect(r.out).toMatch(/^node1 started/);
      const pid = (out: string) => /pid (\d+)/.exec(out)?.[1];
      expect(pid(run(node("node1", "start.sh")).out)).not.toBe(pid(run(node("node0", "start.sh")).out));
    });

    it("load_new_groups.sh marks status-less group data STOPPED and signals the node", () => {
      mkdirSync(path.join(deployDir, "node0/data/group2"), { recursive: true });
      mkdirSync(path.join(deployDir, "node0/data/group1"), { recursive: true });
      writeFileSync(path.join(deployDir, "node0/data/group1/.group_status"), "RUNNING\n");
      const r = run(node("node0", "scripts/load_new_groups.sh"));
      expect(r.status).toBe(0);
      expect(readFileSync(path.join(deployDir, "node0/data/group2/.group_status"), "utf8")).toBe("STOPPED\n");
      expect(readFileSync(path.join(deployDir, "node0/data/group1/.group_status"), "utf8")).toBe("RUNNING\n");
      expect(existsSync(path.join(deployDir, "node0/config.ini.append_group"))).toBe(true);
    });

    it("reload_whitelist.sh refuses malformed or repeated IDs and signals a valid list", () => {
      const config = path.join(deployDir, "node0/config.ini");
      const original = readFileSync(config, "utf8");
      const withList = (entries: string) => original.replace("    ;cal.0=\n", `    ;cal.0=\n${entries}`);
      const signal = path.join(deployDir, "node0/config.ini.reset_certificate_whitelist");

      writeFileSync(config, withList(`    cal.0=${SAMPLE_IDS[0]}\n    cal.1=1234\n`));
      let r = run(node("node0", "scripts/reload_whitelist.sh"));
      expect([r.status, r.out]).toEqual([1, "config.ini: cal entry is not a 128-hex node ID: '1234'\n"]);

      writeFileSync(config, withList(`    cal.0=${SAMPLE_IDS[0]}\n    cal.1 = ${SAMPLE_IDS[0].toUpperCase()}\n`));
      r = run(node("node0", "scripts/reload_whitelist.sh"));
      expect(r.status).toBe(1);
      expect(r.out).toContain("listed more than once");
      expect(existsSync(signal)).toBe(false);

      writeFileSync(config, withList(`    cal.0=${SAMPLE_IDS[0]}\n    cal.1=${SAMPLE_IDS[1]}\n`));
      r = run(node("node0", "scripts/reload_whitelist.sh"));
      expect(r.status).toBe(0);
      expect(existsSync(signal)).toBe(true);
      writeFileSync(config, original);
    });

    it("reload_sdk_allowlist.sh signals the running node", () => {
      expect(run(node("node0", "scripts/reload_sdk_allowlist.sh")).status).toBe(0);
      expect(existsSync(path.join(deployDir, "node0/config.ini.reset_allowlist"))).toBe(true);
    });

    it("stop.sh stops the node and says so; a second stop.sh finds nothing", () => {
      let r = run(node("node0", "stop.sh"));
      expect([r.status, r.out]).toEqual([0, "node0 stopped\n"]);
      r = run(node("node0", "stop.sh"));
      expect([r.status, r.out]).toEqual([0, "node0 is not running\n"]);
      // node1 is untouched by node0's stop.
      expect(run(node("node1", "start.sh")).out).toMatch(/^node1 is already running/);
    });

    it("monitor.sh restarts a node whose process is gone", () => {
      const r = run(node("node0", "scripts/monitor.sh"));
      expect(r.out).toMatch(/node0 was not running; restarting\nnode0 started/);
      expect(run(node("node0", "start.sh")).out).toMatch(/^node0 is already running/);
    });

    it("start.sh reports failure when the binary never says it is running", () => {
      run(node("node0", "stop.sh"));
      writeFileSync(path.join(deployDir, "fisco-bcos"), "#!/bin/bash\necho 'cannot open conf/gmnode.key'\nexit 1\n");
      const r = run(node("node0", "start.sh"));
      expect(r.status).toBe(1);
      expect(r.out).toContain("node0 failed to start; end of nohup.out:");
      expect(r.out).toContain("cannot open conf/gmnode.key");
      writeFileSync(path.join(deployDir, "fisco-bcos"), FAKE_BINARY);
    });
  });
});

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
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

/** The same, without blocking this process (whose own servers the script may talk to). */
function runAsync(script: string): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [script], { cwd: tmpdir(), stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (status) => resolve({ status, out }));
  });
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

    describe("load_new_groups.sh, with node0's JSON-RPC port answered by a fake node", () => {
      let server: http.Server;
      let answer: (method: string, params: unknown[]) => unknown;
      const calls: string[] = [];
      const dir = (...p: string[]) => path.join(deployDir, "node0", ...p);
      const status = (group: number) =>
        existsSync(dir(`data/group${group}/.group_status`)) ? readFileSync(dir(`data/group${group}/.group_status`), "utf8") : undefined;
      const copyGroup = (group: number) => {
        writeFileSync(dir(`conf/group.${group}.genesis`), readFileSync(dir("conf/group.1.genesis"), "utf8").replace("id=1", `id=${group}`));
        writeFileSync(dir(`conf/group.${group}.ini`), readFileSync(dir("conf/group.1.ini"), "utf8"));
      };

      beforeAll(async () => {
        server = http.createServer((req, res) => {
          let body = "";
          req.on("data", (d) => (body += d));
          req.on("end", () => {
            const { method, params } = JSON.parse(body) as { method: string; params: unknown[] };
            calls.push(`${method} ${JSON.stringify(params)}`);
            // jsoncpp's styled output spreads the answer over several lines.
            res.end(JSON.stringify({ id: 1, jsonrpc: "2.0", result: answer(method, params) }, null, 2));
          });
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const config = dir("config.ini");
        writeFileSync(config, readFileSync(config, "utf8").replace(/jsonrpc_listen_port=\d+/, `jsonrpc_listen_port=${(server.address() as AddressInfo).port}`));
      });

      afterAll(() => new Promise<void>((r) => server.close(() => r())));

      it("starts a group new to the node with startGroup from STOPPED, and leaves groups that have a status alone", async () => {
        answer = (_m, params) => ({ code: "0x0", message: `Group ${params[0]} started successfully` });
        calls.length = 0;
        copyGroup(2);
        copyGroup(3);
        mkdirSync(dir("data/group1"), { recursive: true });
        writeFileSync(dir("data/group1/.group_status"), "RUNNING");
        mkdirSync(dir("data/group3"), { recursive: true });
        writeFileSync(dir("data/group3/.group_status"), "STOPPED"); // stopped on purpose
        const r = await runAsync(node("node0", "scripts/load_new_groups.sh"));
        expect([r.status, r.out]).toEqual([0, "node0 group 2: started\n"]);
        expect(calls).toEqual(["startGroup [2]"]);
        expect([status(1), status(2), status(3)]).toEqual(["RUNNING", "STOPPED\n", "STOPPED"]);
        // The append_group signal cannot start a new group on a 2.11 node; it is not used.
        expect(existsSync(dir("config.ini.append_group"))).toBe(false);
      });

      it("puts a group the node refuses back as it was, and says why", async () => {
        answer = (_m, params) => ({ code: "0x6", message: `Group ${params[0]} is not found` });
        calls.length = 0;
        copyGroup(4);
        const r = await runAsync(node("node0", "scripts/load_new_groups.sh"));
        expect([r.status, r.out]).toEqual([1, "node0 group 4: startGroup refused: Group 4 is not found\n"]);
        expect(calls).toEqual(["startGroup [4]"]);
        expect(status(4)).toBeUndefined();
      });

      it("says when there is nothing new, and asks nothing of the node", async () => {
        rmSync(dir("conf/group.4.genesis"));
        calls.length = 0;
        const r = await runAsync(node("node0", "scripts/load_new_groups.sh"));
        expect([r.status, r.out]).toEqual([0, "node0: no new group in conf/\n"]);
        expect(calls).toEqual([]);
      });
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

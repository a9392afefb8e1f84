/**
 * The stand-in Command provider (test/rig/pulumi-resource-command) under the REAL Pulumi engine:
 * a tiny program in a temp project (node_modules symlinked from the repository) with a
 * local.Command, remote.Commands against the sshd rig (pinned host key, private key from secret
 * config, stdin) and remote.CopyToRemote (StringAsset onto an existing 0600 file: mode kept; onto a
 * new path: server default mode). `pulumi up`, outputs and the remote files are checked, the state
 * keeps the private key secret, `pulumi preview --expect-no-changes` passes, a changed trigger
 * replaces (old delete runs), and `pulumi destroy` runs the delete commands (locally with
 * PULUMI_COMMAND_STDOUT set; over SSH the rig's stock `AcceptEnv LANG LC_*` drops it, as a real
 * Debian host would).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEnvironment, environmentWithoutPulumi, installEngine, pulumiOnStack, type PulumiOnStack } from "./engine-project";
import { startSshRig, type SshRig } from "./sshd";

const repoRoot = join(__dirname, "..", "..");
const rigDir = __dirname;
const STACK = "smoke";

let rig: SshRig | undefined;
let work = "";
let project = "";
let remoteDir = ""; // on the rig's "host" (same machine)
let localMarker = "";
let engine: PulumiOnStack | undefined;

const pulumi = (args: string[]) => engine!.pulumi(args);
const pulumiOk = (args: string[]) => engine!.pulumiOk(args);

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { local, remote } from "@pulumi/command";

const cfg = new pulumi.Config();
const remoteDir = cfg.require("remoteDir");
const connection = {
  host: cfg.require("host"),
  port: cfg.requireNumber("port"),
  user: cfg.require("user"),
  hostKey: cfg.require("hostKey"),
  privateKey: cfg.requireSecret("privateKey"),
};

const hello = new local.Command("hello", {
  create: "echo hello-local",
  delete: \`echo "local-delete $PULUMI_COMMAND_STDOUT" >> \${cfg.require("localMarker")}\`,
});

const prep = new remote.Command("prep", {
  connection,
  create: \`mkdir -p \${remoteDir} && printf old > \${remoteDir}/kept-mode.txt && chmod 600 \${remoteDir}/kept-mode.txt && echo prepared\`,
  // PULUMI_COMMAND_STDOUT goes over SSH "env": a stock sshd (AcceptEnv LANG LC_*) drops it.
  delete: \`echo "remote-delete \\\${PULUMI_COMMAND_STDOUT-unset}" >> \${remoteDir}/deleted.log\`,
  triggers: [cfg.get("prepTrigger") ?? "1"],
});

const kept = new remote.CopyToRemote("kept-mode", {
  connection,
  source: new pulumi.asset.StringAsset("a=1\\n"),
  remotePath: \`\${remoteDir}/kept-mode.txt\`,
}, { dependsOn: [prep] });

const fresh = new remote.CopyToRemote("fresh", {
  connection,
  source: new pulumi.asset.StringAsset("fresh\\n"),
  remotePath: \`\${remoteDir}/fresh.txt\`,
}, { dependsOn: [prep] });

const who = new remote.Command("who", {
  connection,
  create: "id -un; cat; echo to-stderr >&2",
  stdin: "from-stdin\\n",
  update: "true",
}, { dependsOn: [kept, fresh] });

export const localStdout = hello.stdout;
export const prepStdout = prep.stdout;
export const whoStdout = who.stdout;
export const whoStderr = who.stderr;
`;

beforeAll(async () => {
  rig = await startSshRig({ hosts: 1 });

  const binDir = await installEngine(repoRoot, environmentWithoutPulumi());

  work = mkdtempSync(join(tmpdir(), "bcos-command-standin-"));
  project = join(work, "project");
  remoteDir = join(work, "remote", "deploy");
  localMarker = join(work, "local-marker.log");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "Pulumi.yaml"), "name: rig-smoke\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "rig-smoke", private: true, main: "index.ts" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "ES2020", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true },
    }),
  );
  writeFileSync(join(project, "index.ts"), PROGRAM);
  symlinkSync(join(repoRoot, "node_modules"), join(project, "node_modules"), "dir");

  // the engine's bin dir first, then the stand-in plugin
  const env = engineEnvironment(binDir, work, "rig-smoke-passphrase", [rigDir]);
  engine = pulumiOnStack(binDir, project, env, STACK, 240_000);
  const init = await pulumi(["stack", "init", STACK]);
  if (init.code !== 0) throw new Error(`pulumi stack init failed: ${init.stderr}`);
  const h = rig.hosts[0];
  for (const [k, v] of Object.entries({ host: h.address, port: String(h.port), user: rig.user, hostKey: h.hostKey, remoteDir, localMarker })) {
    await pulumiOk(["config", "set", k, v]);
  }
  await pulumiOk(["config", "set", "--secret", "privateKey", "--", rig.privateKeyPem]);
}, 20 * 60_000);

afterAll(async () => {
  try {
    // Leave no stack resources behind if a step failed half-way (best effort).
    if (engine && existsSync(join(work, "state"))) await pulumi(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
  } finally {
    await rig?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  }
}, 300_000);

describe("stand-in Command provider under the real engine", () => {
  let upOutput = "";

  it("pulumi up creates local.Command, remote.Command and remote.CopyToRemote", async () => {
    const up = await pulumiOk(["up", "--yes", "--skip-preview"]);
    upOutput = up.stdout;
    const outputs = JSON.parse((await pulumiOk(["stack", "output", "--json"])).stdout) as Record<string, string>;
    expect(outputs).toEqual({
      localStdout: "hello-local",
      prepStdout: "prepared",
      whoStdout: `${rig?.user}\nfrom-stdin`,
      whoStderr: "to-stderr",
    });
  }, 300_000);

  it("streams command output to the engine log (logging defaults to stdoutAndStderr)", () => {
    expect(upOutput).toContain("hello-local");
    expect(upOutput).toContain("to-stderr");
  });

  it("copied the StringAssets: an existing file keeps its mode, a new one gets the default", () => {
    const kept = join(remoteDir, "kept-mode.txt");
    expect(readFileSync(kept, "utf8")).toBe("a=1\n");
    expect((statSync(kept).mode & 0o777).toString(8)).toBe("600");
    const fresh = join(remoteDir, "fresh.txt");
    expect(readFileSync(fresh, "utf8")).toBe("fresh\n");
    expect((statSync(fresh).mode & 0o777).toString(8)).toBe("644");
  });

  it("keeps the connection (and the private key) secret in the state", async () => {
    const exported = (await pulumiOk(["stack", "export"])).stdout;
    const keyBody = rig?.privateKeyPem.split("\n")[1] ?? "";
    expect(keyBody.length).toBeGreaterThan(20);
    expect(exported).not.toContain(keyBody);
    const state = JSON.parse(exported) as { deployment: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
    const remotes = state.deployment.resources.filter((r) => r.type === "command:remote:Command" || r.type === "command:remote:CopyToRemote");
    expect(remotes.length).toBe(4);
    for (const r of remotes) {
      expect(r.outputs?.connection, r.type).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
      expect(r.outputs?.connection).toHaveProperty("ciphertext");
    }
  });

  it("pulumi preview --expect-no-changes passes right after up", async () => {
    await pulumiOk(["preview", "--expect-no-changes", "--diff"]);
  }, 300_000);

  it("a changed trigger replaces the resource: the new one is created and the old one's delete runs", async () => {
    await pulumiOk(["config", "set", "prepTrigger", "2"]);
    const up = await pulumiOk(["up", "--yes", "--skip-preview"]);
    expect(up.stdout).toMatch(/replaced/);
    // over SSH, PULUMI_COMMAND_STDOUT is refused by the stock sshd config (as on a real Debian host)
    expect(readFileSync(join(remoteDir, "deleted.log"), "utf8")).toBe("remote-delete unset\n");
    // prep re-ran (file back to "old" then CopyToRemote did not re-copy: its inputs did not change)
    expect(readFileSync(join(remoteDir, "kept-mode.txt"), "utf8")).toBe("old");
  }, 300_000);

  it("pulumi destroy runs the delete commands with PULUMI_COMMAND_STDOUT, and leaves copied files", async () => {
    await pulumiOk(["destroy", "--yes", "--skip-preview"]);
    expect(readFileSync(localMarker, "utf8")).toBe("local-delete hello-local\n");
    expect(readFileSync(join(remoteDir, "deleted.log"), "utf8")).toBe("remote-delete unset\nremote-delete unset\n");
    expect(existsSync(join(remoteDir, "fresh.txt"))).toBe(true);
  }, 300_000);
});

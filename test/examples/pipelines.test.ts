/**
 * The example pipelines (examples/pipelines/): they parse as YAML, preview with --diff on pull and
 * merge requests and apply on the main branch, one job per party stack, with the passphrase, the
 * SSH key and the state bucket's credentials from the CI system; and every shell command they run
 * is one that exists: an npm script of package.json, a script file of the repository, the Pulumi
 * CLI at the version the project pins, or a small allow-list of standard tools.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");
const pipelines = join(root, "examples", "pipelines");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string>; dependencies: Record<string, string> };
const PULUMI_VERSION = pkg.dependencies["@pulumi/pulumi"];

type Yaml = Record<string, any>;
const load = (file: string) => yaml.load(readFileSync(join(pipelines, file), "utf8")) as Yaml;
const github = load("github-actions.yml");
const gitlab = load("gitlab-ci.yml");

/** Tools a CI image has, besides npm, bash (checked below) and pulumi (installed by the pipeline). */
const STANDARD = new Set(["curl", "sh", "export", "printf", "[", "test"]);
const SHELL_WORDS = new Set(["if", "then", "else", "fi", "!"]);

/** Simple commands of a shell line: split at ; && || | and newlines, shell keywords dropped. */
function simpleCommands(script: string): string[][] {
  return script
    .split(/\n|;|&&|\|\||\|/)
    .map((part) =>
      part
        .trim()
        .split(/\s+/)
        .filter((w) => w !== ""),
    )
    .map((words) => {
      while (words.length > 0 && (SHELL_WORDS.has(words[0]) || /^[A-Z_][A-Z0-9_]*=/.test(words[0]))) words.shift();
      return words;
    })
    .filter((words) => words.length > 0);
}

/** Why a command would fail for want of what it calls, or undefined when everything exists. */
function missing(words: string[]): string | undefined {
  const [command, ...args] = words;
  if (command === "npm") {
    if (args[0] === "ci") return undefined;
    if (args[0] === "run") return args[1] in pkg.scripts ? undefined : `npm script "${args[1]}" is not in package.json`;
    return `npm ${args[0]} is not used by this project`;
  }
  if (command === "bash") return existsSync(join(root, args[0])) ? undefined : `${args[0]} does not exist`;
  if (command === "pulumi") return args[0] === "login" ? undefined : `pulumi ${args[0]}: run pulumi through the npm scripts`;
  return STANDARD.has(command) ? undefined : `unknown command ${command}`;
}

function expectAllExist(scripts: string[]): void {
  const commands = scripts.flatMap(simpleCommands);
  expect(commands.length).toBeGreaterThan(3);
  expect(commands.map((c) => [c.join(" "), missing(c)]).filter(([, why]) => why !== undefined)).toEqual([]);
}

describe("GitHub Actions (examples/pipelines/github-actions.yml)", () => {
  const job = github.jobs.party as Yaml;
  const steps = job.steps as Yaml[];
  const step = (run: string) => steps.find((s) => s.run === run);

  it("runs on pull requests and pushes to main, one job per party stack", () => {
    expect(Object.keys(github.on).sort()).toEqual(["pull_request", "push"]);
    expect(github.on.push.branches).toEqual(["main"]);
    expect(job.strategy.matrix.stack).toEqual(expect.arrayContaining(["committee"]));
    expect(job.strategy["fail-fast"]).toBe(false);
    expect(job.env.BCOS_STACK).toBe("${{ matrix.stack }}");
    expect(job.environment).toBe("${{ matrix.stack }}");
    expect(job.concurrency.group).toContain("${{ matrix.stack }}");
  });

  it("previews with --diff on pull requests and applies on main", () => {
    expect(step("npm run preview -- --diff")?.if).toBe("github.event_name == 'pull_request'");
    expect(step("npm run up")?.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expect(pkg.scripts.preview).toContain("scripts/pulumi-local.sh preview");
    expect(pkg.scripts.up).toContain("scripts/pulumi-local.sh up --yes");
  });

  it("takes the passphrase, SSH key and bucket credentials from secrets, and keeps state in an S3-compatible bucket", () => {
    expect(job.env.PULUMI_CONFIG_PASSPHRASE).toBe("${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
    expect(job.env.SSH_PRIVATE_KEY).toBe("${{ secrets.SSH_PRIVATE_KEY }}");
    expect(job.env.AWS_SECRET_ACCESS_KEY).toMatch(/^\$\{\{ secrets\./);
    expect(job.env.PULUMI_BACKEND_URL).toMatch(/^s3:\/\/.+\?endpoint=.+/);
    expect(step('pulumi login "$PULUMI_BACKEND_URL"')).toBeDefined();
    const key = steps.find((s) => String(s.run).includes("bcos:sshPrivateKey"))!;
    expect(key.run).toContain("config set --secret bcos:sshPrivateKey");
    expect(steps.indexOf(key)).toBeLessThan(steps.indexOf(step("npm run preview -- --diff")!));
  });

  it("installs the Pulumi CLI the project pins and runs only commands that exist", () => {
    const uses = steps.filter((s) => s.uses).map((s) => String(s.uses).replace(/@.*/, ""));
    expect(uses).toEqual(["actions/checkout", "actions/setup-node", "pulumi/actions"]);
    expect(steps.find((s) => String(s.uses).startsWith("pulumi/actions"))!.with["pulumi-version"]).toBe(PULUMI_VERSION);
    expectAllExist(steps.filter((s) => s.run).map((s) => String(s.run)));
  });
});

describe("GitLab CI (examples/pipelines/gitlab-ci.yml)", () => {
  const template = gitlab[".party"] as Yaml;
  const jobs = { preview: gitlab.preview as Yaml, up: gitlab.up as Yaml };

  it("runs one job per party stack in merge request pipelines and on the default branch", () => {
    expect(gitlab.stages).toEqual(["preview", "deploy"]);
    expect(template.parallel.matrix[0].BCOS_STACK).toEqual(expect.arrayContaining(["committee"]));
    expect(template.resource_group).toBe("bcos-$BCOS_STACK");
    expect(jobs.preview.extends).toBe(".party");
    expect(jobs.up.extends).toBe(".party");
    expect(jobs.preview.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
    expect(jobs.up.rules).toEqual([{ if: "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" }]);
    expect(jobs.preview.script).toEqual(["npm run preview -- --diff"]);
    expect(jobs.up.script).toEqual(["npm run up"]);
  });

  it("takes secrets from environment-scoped CI variables, not from the file, and keeps state in an S3-compatible bucket", () => {
    expect(jobs.preview.environment.name).toBe("$BCOS_STACK");
    expect(jobs.up.environment.name).toBe("$BCOS_STACK");
    expect(Object.keys(gitlab.variables)).not.toContain("PULUMI_CONFIG_PASSPHRASE");
    expect(Object.keys(gitlab.variables)).not.toContain("SSH_PRIVATE_KEY");
    expect(gitlab.variables.PULUMI_BACKEND_URL).toMatch(/^s3:\/\/.+\?endpoint=.+/);
    expect(template.before_script).toContain('pulumi login "$PULUMI_BACKEND_URL"');
    expect(template.before_script.join("\n")).toContain('config set --secret bcos:sshPrivateKey < "$SSH_PRIVATE_KEY"');
  });

  it("installs the Pulumi CLI the project pins and runs only commands that exist", () => {
    expect(gitlab.variables.PULUMI_VERSION).toBe(PULUMI_VERSION);
    expectAllExist([...template.before_script, ...jobs.preview.script, ...jobs.up.script]);
  });
});

describe("the command check itself", () => {
  it("catches a missing npm script, script file or tool", () => {
    expect(missing(["npm", "run", "deploy"])).toContain('"deploy" is not in package.json');
    expect(missing(["bash", "scripts/no-such.sh"])).toContain("does not exist");
    expect(missing(["terraform", "apply"])).toContain("unknown command");
    expect(simpleCommands('if [ -n "$X" ]; then bash scripts/a.sh < "$X"; fi')).toEqual([
      ["[", "-n", '"$X"', "]"],
      ["bash", "scripts/a.sh", "<", '"$X"'],
    ]);
  });
});

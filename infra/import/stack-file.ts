/**
 * Writing the imported stack: `<stackConfigDir>/Pulumi.<stack>.yaml` (topology, import record,
 * keys encrypted with the stack's passphrase) and the public files next to it in
 * `<stackConfigDir>/imported/<stack>/`. Existing files are never replaced; both are written under
 * temporary names and renamed into place, the stack file last.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { TopologySpec } from "../topology/types";
import type { ImportProblem } from "./import-error";
import type { ImportedKeys, ImportRecord, PublicFile } from "./import-record";
import type { PassphraseCrypter } from "./pulumi-secrets";
import { toStackYaml } from "./stack-yaml";

export interface StackTarget {
  stack: string;
  stackFile: string;
  filesDir: string;
  /** filesDir relative to the project, with forward slashes (what the record stores). */
  filesRel: string;
}

const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

function stackConfigDir(projectFile: string): string {
  const project = yaml.load(readFileSync(projectFile, "utf8"), { schema: yaml.CORE_SCHEMA }) as { stackConfigDir?: unknown } | null;
  return typeof project?.stackConfigDir === "string" ? project.stackConfigDir : ".";
}

/** Where the stack goes; refused when the project is not found or the stack already exists. */
export function stackTarget(projectDir: string, stack: string): { target?: StackTarget; problems: ImportProblem[] } {
  if (!STACK_NAME.test(stack)) {
    return { problems: [{ file: `--stack ${stack}`, problem: "is not a usable stack name", fix: "use letters, digits, '-', '_' and '.', e.g. --stack prod" }] };
  }
  const projectFile = path.join(projectDir, "Pulumi.yaml");
  if (!existsSync(projectFile)) {
    return {
      problems: [{ file: projectDir, problem: "is not the bcos-pulumi project folder (no Pulumi.yaml)", fix: "run the import from the project folder" }],
    };
  }
  const configDir = path.join(projectDir, stackConfigDir(projectFile));
  const stackFile = path.join(configDir, `Pulumi.${stack}.yaml`);
  const filesDir = path.join(configDir, "imported", stack);
  const problems: ImportProblem[] = [];
  for (const existing of [stackFile, filesDir].filter((p) => existsSync(p))) {
    problems.push({
      file: path.relative(projectDir, existing),
      problem: "already exists",
      fix: "choose another --stack, or remove it first (an import never replaces a stack)",
    });
  }
  const filesRel = path.relative(projectDir, filesDir).split(path.sep).join("/");
  return { target: problems.length === 0 ? { stack, stackFile, filesDir, filesRel } : undefined, problems };
}

/** Leaves become `{ secure: <ciphertext> }`, the form `pulumi config set --secret --path` writes. */
function encryptLeaves(value: unknown, crypter: PassphraseCrypter): unknown {
  if (typeof value === "string") return { secure: crypter.encrypt(value) };
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, encryptLeaves(v, crypter)]),
  );
}

export interface StackContent {
  topology: TopologySpec;
  record: ImportRecord;
  keys: ImportedKeys;
  crypter: PassphraseCrypter;
}

export function renderStackFile(target: StackTarget, content: StackContent): string {
  const header = [
    `# Stack ${target.stack}: adopted with \`bcos-pulumi import\` from ${content.record.source} (${content.record.layout} layout).`,
    "# bcos:importedKeys holds the chain's private keys, encrypted with this stack's passphrase;",
    `# certificates, config.ini and genesis files are copied verbatim into ${content.record.files}/.`,
    `# Use it with the same PULUMI_CONFIG_PASSPHRASE: pulumi stack init ${target.stack}`,
  ];
  const document = {
    encryptionsalt: content.crypter.encryptionSalt,
    config: {
      "bcos:topology": content.topology,
      "bcos:imported": content.record,
      "bcos:importedKeys": encryptLeaves(content.keys, content.crypter),
    },
  };
  return `${header.join("\n")}\n${toStackYaml(document)}`;
}

export function writeStack(target: StackTarget, stackText: string, files: readonly PublicFile[]): void {
  const staging = `${target.filesDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging, { recursive: true });
    for (const file of files) {
      const to = path.join(staging, file.path);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, file.content, { mode: 0o644 });
    }
    mkdirSync(path.dirname(target.filesDir), { recursive: true });
    renameSync(staging, target.filesDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const stackStaging = `${target.stackFile}.tmp-${process.pid}`;
  writeFileSync(stackStaging, stackText);
  renameSync(stackStaging, target.stackFile);
}

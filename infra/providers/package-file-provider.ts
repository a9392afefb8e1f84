/**
 * A handover package on local disk: an agency's rendered files as `<path>` (.tar.gz, mode 0600,
 * it holds private keys). Rewritten only when its content changes.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { RenderedFile } from "../fisco/rendered-file";
import { tarGz } from "../fisco/tarball";

export interface PackageFileInputs {
  /** Where the package goes; relative paths are relative to the project directory. */
  path: string;
  /** A secret input: the files include private keys. */
  files: RenderedFile[];
  /** Per file a digest, for the preview to name changed files (package-file.ts); no part of the diff, absent in older states. */
  contents?: Record<string, string>;
}

export interface PackageFileOutputs {
  path: string;
  /** SHA-256 of the package bytes. */
  sha256: string;
  fileCount: number;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/**
 * The file a path names: resolved against the project directory, through symlinked folders, so
 * that `./out/x.tar.gz` and `out/x.tar.gz` are one file and not a move.
 */
function fileOf(path: string): string {
  const target = resolve(path);
  return existsSync(dirname(target)) ? join(realpathSync(dirname(target)), basename(target)) : target;
}

async function write(inputs: PackageFileInputs): Promise<PackageFileOutputs> {
  const bytes = await tarGz(inputs.files);
  const target = resolve(inputs.path);
  mkdirSync(dirname(target), { recursive: true });
  // Written aside and renamed, so a reader never sees half a package.
  const temporary = `${target}.partial-${process.pid}`;
  writeFileSync(temporary, bytes, { mode: 0o600 });
  renameSync(temporary, target);
  return { path: inputs.path, sha256: sha256(bytes), fileCount: inputs.files.length };
}

export const packageFileProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: PackageFileOutputs, news: PackageFileInputs) {
    // Another spelling of the same file is an update: a replacement would write the new package
    // and then delete the old one, which is the same file.
    if (fileOf(olds.path) !== fileOf(news.path)) return { changes: true, replaces: ["path"], deleteBeforeReplace: false };
    if (olds.path !== news.path) return { changes: true };
    // A preview passes values not computed yet (a new node's keys, a re-issued certificate) as
    // an unknown placeholder, not an array: the package will be rewritten.
    if (!Array.isArray(news.files)) return { changes: true };
    return { changes: sha256(await tarGz(news.files)) !== olds.sha256 };
  },

  async create(inputs: PackageFileInputs) {
    const outs = await write(inputs);
    return { id: resolve(inputs.path), outs };
  },

  async update(_id: string, _olds: PackageFileOutputs, news: PackageFileInputs) {
    return { outs: await write(news) };
  },

  /** Removes the package only while it holds what this resource wrote: a newer package there is someone else's. */
  async delete(_id: string, props: PackageFileOutputs) {
    const target = resolve(props.path);
    if (existsSync(target) && sha256(readFileSync(target)) === props.sha256) rmSync(target, { force: true });
  },
};

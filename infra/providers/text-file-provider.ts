/**
 * A public text file on local disk (`<path>`, mode 0644), rewritten only when its content
 * changes and removed on delete. Written aside and renamed, like the packages.
 */
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";

export interface TextFileInputs {
  path: string;
  content: string;
}

export interface TextFileOutputs {
  path: string;
  sha256: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function write(inputs: TextFileInputs): TextFileOutputs {
  const target = resolve(inputs.path);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.partial-${process.pid}`;
  writeFileSync(temporary, inputs.content, { mode: 0o644 });
  chmodSync(temporary, 0o644);
  renameSync(temporary, target);
  return { path: inputs.path, sha256: sha256(inputs.content) };
}

export const textFileProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: TextFileOutputs, news: TextFileInputs) {
    if (olds.path !== news.path) return { changes: true, replaces: ["path"], deleteBeforeReplace: false };
    // Unknown in a preview (a value not computed yet): it will be rewritten.
    if (typeof news.content !== "string") return { changes: true };
    return { changes: sha256(news.content) !== olds.sha256 };
  },

  async create(inputs: TextFileInputs) {
    return { id: resolve(inputs.path), outs: write(inputs) };
  },

  async update(_id: string, _olds: TextFileOutputs, news: TextFileInputs) {
    return { outs: write(news) };
  },

  async delete(_id: string, props: TextFileOutputs) {
    rmSync(resolve(props.path), { force: true });
  },
};

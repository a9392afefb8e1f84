import { chmodSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RenderedFile } from "./rendered-file";

/** Writes rendered files under `root`, creating folders, with each file's mode (keys 0600). */
export function writeFileTree(root: string, files: RenderedFile[]): void {
  for (const file of files) {
    const target = join(root, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content, { mode: file.mode });
    // writeFileSync's mode only applies to new files and is masked by the umask.
    chmodSync(target, file.mode);
  }
}

/** True when `dir` is missing or has no entries. */
export function isEmptyOrMissing(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw e;
  }
}

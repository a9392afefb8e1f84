/** Small directory helpers shared by the layout readers. */
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

/** Sub-folder names of `dir` in natural order (node2 before node10); none when it cannot be listed. */
export function subfolders(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => !name.startsWith(".") && isFolder(path.join(dir, name))).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
}

export function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A node folder is recognised by its config.ini. */
export function isNodeFolder(dir: string): boolean {
  return existsSync(path.join(dir, "config.ini"));
}

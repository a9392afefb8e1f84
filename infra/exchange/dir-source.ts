/**
 * The `{ dir }` exchange's reading side: `<dir>/<party>.bundle`, read at program time (so preview
 * sees what was carried in). A missing file is a party that has not published yet; an unreadable
 * one is refused naming the file.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleFileName } from "./bundle";
import type { ExchangeSource, Published } from "./exchange";

/** Where `party`'s bundle lives in `dir` (resolved against the project directory). */
export function bundlePath(dir: string, party: string): string {
  return join(resolve(dir), bundleFileName(party));
}

export function dirSource(dir: string): ExchangeSource {
  return {
    async fetch(party: string): Promise<Published | undefined> {
      const source = bundlePath(dir, party);
      try {
        return { source, text: readFileSync(source, "utf8") };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`${source}: cannot be read (${(e as Error).message}); fix: check the folder bcos:exchange.dir names and its permissions`);
      }
    },
  };
}

/**
 * The CA material besides the node folders: --cert-dir, build_chain's cert/ and gmcert/, the
 * generator's meta/. Every `.crt` and `.key` file is read (four levels deep, node folders
 * skipped); which certificate is which is decided later by content, not by file name, since the
 * tools and operators name these folders differently.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { type LoadedPrivateKey, loadPrivateKey } from "../crypto/keys";
import { type CertInfo, readCertificates } from "./certificates";
import { isNodeFolder } from "./folders";

export interface KeyEntry {
  file: string;
  /** The key file verbatim. */
  text: string;
  key: LoadedPrivateKey;
}

export interface CertSources {
  /** In the order the folders were given: --cert-dir first. */
  certs: CertInfo[];
  keys: KeyEntry[];
  /** Files that looked like CA material but could not be read. */
  warnings: string[];
}

// Deep enough for build_chain's cert/<agency>/channel/ under its output folder.
const MAX_DEPTH = 4;

export function scanCertDirs(dirs: readonly string[], show: (file: string) => string): CertSources {
  const found: CertSources = { certs: [], keys: [], warnings: [] };
  const visit = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (e) {
      found.warnings.push(`${show(dir)}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return;
    }
    for (const name of names) {
      const file = path.join(dir, name);
      let isDir: boolean;
      try {
        isDir = statSync(file).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        if (depth < MAX_DEPTH && !isNodeFolder(file)) visit(file, depth + 1);
      } else if (name.endsWith(".crt") || name.endsWith(".key")) {
        readOne(file, name.endsWith(".key"));
      }
    }
  };
  const readOne = (file: string, isKey: boolean) => {
    try {
      const text = readFileSync(file, "utf8");
      if (isKey) found.keys.push({ file: show(file), text, key: loadPrivateKey(text) });
      else found.certs.push(...readCertificates(text, show(file)));
    } catch (e) {
      found.warnings.push(`${show(file)}: skipped, cannot be read as a ${isKey ? "private key" : "certificate"} (${(e as Error).message})`);
    }
  };
  for (const dir of dirs) visit(dir, 1);
  return found;
}

/** Reads the ustar entries of a .tar.gz in memory, for tests that look inside rendered packages. */
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  mode: number;
  text: string;
}

/** Path → mode and contents (as UTF-8) of every entry of a tar.gz. */
export function readTarGz(archive: Buffer): Map<string, TarEntry> {
  const tar = gunzipSync(archive);
  const entries = new Map<string, TarEntry>();
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString("utf8")
      .replace(/\0.*$/s, "");
    if (!name) break;
    const mode = parseInt(tar.subarray(offset + 100, offset + 108).toString("utf8"), 8);
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString("utf8"), 8);
    entries.set(name, { mode, text: tar.subarray(offset + 512, offset + 512 + size).toString("utf8") });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/**
 * Rendered files as a gzip'd tar, byte-for-byte reproducible: entries in the given order, fixed
 * owner and time, so the same files always give the same package (and the same hash in state).
 */
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import type { RenderedFile } from "./rendered-file";

/** 2020-01-01T00:00:00Z: fixed, and recent enough that tar does not warn about the date. */
const ENTRY_TIME = new Date(Date.UTC(2020, 0, 1));

/** Folders that hold the files, parents first, each once. */
function folders(files: RenderedFile[]): string[] {
  const seen = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) seen.add(parts.slice(0, i).join("/"));
  }
  return [...seen].sort();
}

export async function tarGz(files: RenderedFile[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => void chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  const owner = { uid: 0, gid: 0, uname: "", gname: "", mtime: ENTRY_TIME };
  for (const dir of folders(files)) archive.entry({ ...owner, name: `${dir}/`, type: "directory", mode: 0o755 });
  for (const file of files) archive.entry({ ...owner, name: file.path, mode: file.mode }, file.content);
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}

/** What identifies the node binary a topology asks for, read on the machine running Pulumi. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BinarySpec } from "../topology/types";

/**
 * The declared sha256, or for a local file without one, the file's own digest. Node installs
 * carry this value so that a different binary re-runs them (and restarts the nodes in order).
 */
export function binaryRevision(binary: BinarySpec): string {
  if (binary.sha256) return binary.sha256;
  if (!binary.path) throw new Error("chain.binary needs path, or url with sha256");
  let content: Buffer;
  try {
    content = readFileSync(binary.path);
  } catch (e) {
    throw new Error(`chain.binary.path ${binary.path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return createHash("sha256").update(content).digest("hex");
}

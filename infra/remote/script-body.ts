/**
 * The bash bodies live in ./sh as plain .sh files (readable, and free of template-literal
 * escaping); each expects its variables assigned above it by the generating function.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export function scriptBody(file: string): string {
  return readFileSync(path.join(__dirname, "sh", file), "utf8");
}

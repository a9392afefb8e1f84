/**
 * The bash bodies live in ./sh as plain .sh files (readable, and free of template-literal
 * escaping); each expects its variables assigned before it runs.
 *
 * Install commands are short on purpose: `env <values> bash -s`, with the script itself on stdin.
 * A failing command's message quotes the command line (the Command provider puts it before the
 * output), so the reader sees the node's values and then the cause, not a 4 KB script; the
 * script stays in the state as the command's stdin.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { shellQuote } from "./shell-quote";

export function scriptBody(file: string): string {
  return readFileSync(path.join(__dirname, "sh", file), "utf8");
}

const SHELL_NAME = /^[a-z_][a-z0-9_]*$/;

/** `env name='value' … bash -s`: the values reach the script as variables, in any login shell. */
export function envBashCommand(values: Record<string, string | number>): string {
  const assignments = Object.entries(values).map(([name, value]) => {
    if (!SHELL_NAME.test(name)) throw new Error(`not a shell variable name: ${name}`);
    return `${name}=${shellQuote(String(value))}`;
  });
  return ["env", ...assignments, "bash", "-s"].join(" ");
}

/**
 * What `bash -s` reads: `prelude` (assignments), then `body` as one function run with stdin from
 * /dev/null. bash reads a script on a pipe as it goes; running the body as a function that was
 * read whole keeps anything it starts (the node) from reading the rest of the script.
 */
export function stdinScript(body: string, prelude = ""): string {
  return `set -euo pipefail\n${prelude ? `${prelude}\n` : ""}main() {\n${body}\n}\nmain </dev/null\n`;
}

import { UsageError } from "./args";
import { diagramUsage, runDiagram } from "./diagram-command";
import { importUsage, runImportCommand } from "./import-command";
import { renderUsage, runRender } from "./render-command";
import { runValidate, validateUsage } from "./validate-command";

type Log = (line: string) => void;

const usage = `Usage:\n${renderUsage}${validateUsage}${diagramUsage}${importUsage}`;

/**
 * Each command parses its own arguments (args.ts' parseFlags) and throws to refuse: a UsageError
 * exits 2 with `usage` (import's own only; the whole by default), any other error exits 1.
 */
const commands = new Map<string, { run: (argv: string[], log: Log) => void | Promise<void>; usage?: string }>([
  ["render", { run: runRender }],
  ["validate", { run: runValidate }],
  ["diagram", { run: runDiagram }],
  ["import", { run: runImportCommand, usage: `Usage:\n${importUsage}` }],
]);

/** Entry point of `bcos-pulumi`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const log: Log = (line) => process.stderr.write(`${line}\n`);
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return 0;
  }
  const command = commands.get(name);
  try {
    if (command === undefined) throw new UsageError(`unknown command "${name}": use one of ${[...commands.keys()].map((c) => `"${c}"`).join(", ")}`);
    await command.run(rest, log);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      log(`error: ${e.message}\n\n${command?.usage ?? usage}`);
      return 2;
    }
    // Topology, CA and output-folder errors already name the field, the value and the fix.
    log(`error: ${(e as Error).message}`);
    return 1;
  }
}

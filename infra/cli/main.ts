import { loadTopologyFile } from "../topology/load";
import { parseCliArgs, usage, UsageError } from "./args";
import { diagramUsage, runDiagram } from "./diagram-command";
import { importUsage, runImportCommand } from "./import-command";
import { installNote } from "./install-note";
import { runRender } from "./render-command";

/** Entry point of `bcos-pulumi`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (argv[0] === "diagram") {
      process.stdout.write(runDiagram(argv.slice(1)));
      return 0;
    }
    // `import` parses its own arguments (infra/cli/import-command.ts).
    if (argv[0] === "import") return runImportCommand(argv.slice(1), log);
    const args = parseCliArgs(argv);
    switch (args.command) {
      case "help":
        process.stdout.write(usage + diagramUsage + importUsage);
        return 0;
      case "validate": {
        const model = loadTopologyFile(args.topology);
        process.stdout.write(
          `${args.topology}: valid (${model.nodes.length} nodes, ${model.agencies.length} agencies, ` +
            `groups ${model.groups.map((g) => g.id).join(", ") || "none"})\n`,
        );
        const note = installNote(model);
        if (note) log(note);
        return 0;
      }
      case "render":
        await runRender(args, log);
        return 0;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      log(`error: ${e.message}\n\n${usage}${diagramUsage}${importUsage}`);
      return 2;
    }
    // Topology, CA and output-folder errors already name the field, the value and the fix.
    log(`error: ${(e as Error).message}`);
    return 1;
  }
}

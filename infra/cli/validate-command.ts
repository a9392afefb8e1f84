import { loadTopologyFile } from "../topology/load";
import { parseFlags, requireFlag } from "./args";
import { installNote } from "./install-note";
import { renderFlags } from "./render-command";

export const validateUsage = `  bcos-pulumi validate --topology <file.yaml>
      Check a topology and print a summary; writes nothing.
  Neither command needs chain.binary: only pulumi up installs nodes.
`;

/** `validate` after the command word: the topology's summary on stdout, its install note on the log. */
export function runValidate(argv: string[], log: (line: string) => void): void {
  const topology = requireFlag(parseFlags("validate", argv, renderFlags).topology, "--topology <file.yaml>");
  const model = loadTopologyFile(topology);
  process.stdout.write(
    `${topology}: valid (${model.nodes.length} nodes, ${model.agencies.length} agencies, ` + `groups ${model.groups.map((g) => g.id).join(", ") || "none"})\n`,
  );
  const note = installNote(model);
  if (note) log(note);
}

import { DIAGRAM_FORMATS, renderDiagram, type DiagramFormat } from "../diagram";
import { loadTopologyFile } from "../topology/load";
import { parseFlags, requireFlag, UsageError } from "./args";

export const diagramUsage = `  bcos-pulumi diagram --topology <file.yaml> [--format mermaid|svg]
      Draw the consortium (hosts, agencies, nodes, groups and each node's role) to stdout:
      a Mermaid flowchart (default) or a self-contained SVG.
`;

function formatOf(value: string | undefined): DiagramFormat {
  if (value === undefined) return "mermaid";
  const format = DIAGRAM_FORMATS.find((f) => f === value);
  if (format === undefined) throw new UsageError(`diagram: unknown --format "${value}": use ${DIAGRAM_FORMATS.join(" or ")}`);
  return format;
}

/** `diagram` after the command word: the picture's text, to stdout. */
export function runDiagram(argv: string[]): void {
  const values = parseFlags("diagram", argv, { topology: { type: "string" }, format: { type: "string" } });
  const topology = requireFlag(values.topology, "--topology <file.yaml>", "diagram");
  const format = formatOf(values.format);
  process.stdout.write(renderDiagram(loadTopologyFile(topology), format));
}

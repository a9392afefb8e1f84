import { parseArgs } from "node:util";
import { DIAGRAM_FORMATS, renderDiagram, type DiagramFormat } from "../diagram";
import { loadTopologyFile } from "../topology/load";
import { UsageError } from "./args";

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

/** `diagram` after the command word: the picture's text, for stdout. */
export function runDiagram(argv: string[]): string {
  let values: { topology?: string; format?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { topology: { type: "string" }, format: { type: "string" } }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`diagram: ${(e as Error).message}`);
  }
  if (!values.topology) throw new UsageError("diagram: missing --topology <file.yaml>");
  const format = formatOf(values.format);
  return renderDiagram(loadTopologyFile(values.topology), format);
}

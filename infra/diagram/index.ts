/** Pictures of a consortium: Mermaid text for READMEs and reviews, and a self-contained SVG. */
import type { Model } from "../topology/types";
import { renderMermaid } from "./mermaid";
import { renderSvg } from "./svg";

export const DIAGRAM_FORMATS = ["mermaid", "svg"] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** The file name `pulumi up` writes each format to, beside the packages. */
export const DIAGRAM_FILE: Record<DiagramFormat, string> = { mermaid: "topology.mmd", svg: "topology.svg" };

export function renderDiagram(model: Model, format: DiagramFormat): string {
  return format === "mermaid" ? renderMermaid(model) : renderSvg(model);
}

export { renderMermaid, renderSvg };

/** The consortium's picture beside the packages, drawn from the topology alone (no keys in it). */
import type * as pulumi from "@pulumi/pulumi";
import { DIAGRAM_FILE, DIAGRAM_FORMATS, renderDiagram } from "../../infra/diagram";
import { TextFile } from "../../infra/providers/text-file";
import type { Model } from "../../infra/topology/types";

export function createDiagrams(name: string, model: Model, outputDir: string, parent: pulumi.Resource): void {
  for (const format of DIAGRAM_FORMATS) {
    const file = { path: `${outputDir}/${DIAGRAM_FILE[format]}`, content: renderDiagram(model, format) };
    new TextFile(`${name}-diagram-${format}`, file, { parent });
  }
}

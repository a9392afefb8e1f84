/**
 * The consortium as a Mermaid flowchart: hosts on the left, each agency a box of its nodes, groups
 * on the right, and one edge per node role (sealer, observer, free). Pure: the same model gives
 * the same text. Mermaid ids are derived from names (a prefix per kind, `_` and `-` escaped), so
 * no name can clash with another or with a Mermaid keyword.
 */
import type { Host, Model } from "../topology/types";
import { chainTitle, hostConnectionText, nodePortsText, roleEdges, type Role } from "./facts";

/** Prefix-free escaping: `_` → `__`, `-` → `_d`; names hold only [A-Za-z0-9_-]. */
function mermaidId(kind: "h" | "a" | "n" | "g", name: string): string {
  return `${kind}_${name.replace(/_/g, "__").replace(/-/g, "_d")}`;
}

const ROLE_ARROW: Record<Role, string> = { sealer: "==>", observer: "-->", free: "-.->" };

function hostLabel(host: Host): string {
  return `${host.name}<br/>${host.address}<br/>${hostConnectionText(host)}`;
}

export function renderMermaid(model: Model): string {
  const lines = ["flowchart LR", `  %% ${chainTitle(model)}`];
  lines.push('  subgraph hosts["hosts"]');
  for (const host of model.hosts) lines.push(`    ${mermaidId("h", host.name)}{{"${hostLabel(host)}"}}`);
  lines.push("  end");
  for (const agency of model.agencies) {
    lines.push(`  subgraph ${mermaidId("a", agency.name)}["${agency.name}"]`);
    for (const name of agency.nodes) {
      const node = model.nodes.find((n) => n.name === name)!;
      lines.push(`    ${mermaidId("n", name)}["${name}<br/>${nodePortsText(node)}"]`);
    }
    // An empty subgraph is not drawn by every Mermaid version; say why it is empty instead.
    if (agency.nodes.length === 0) lines.push(`    ${mermaidId("a", agency.name)}_none["no nodes yet"]`);
    lines.push("  end");
  }
  lines.push('  subgraph groups["groups"]');
  for (const group of model.groups) lines.push(`    ${mermaidId("g", String(group.id))}(["group ${group.id}<br/>${group.genesis.consensus}"])`);
  lines.push("  end");
  for (const node of model.nodes) lines.push(`  ${mermaidId("h", node.host)} -.- ${mermaidId("n", node.name)}`);
  for (const edge of roleEdges(model)) {
    lines.push(`  ${mermaidId("n", edge.node)} ${ROLE_ARROW[edge.role]}|${edge.role}| ${mermaidId("g", String(edge.group))}`);
  }
  lines.push(
    "  classDef host fill:#f3f4f6,stroke:#6b7280",
    "  classDef group fill:#e0ecff,stroke:#1f6feb",
    `  class ${model.hosts.map((h) => mermaidId("h", h.name)).join(",")} host`,
  );
  if (model.groups.length > 0) lines.push(`  class ${model.groups.map((g) => mermaidId("g", String(g.id))).join(",")} group`);
  return `${lines.join("\n")}\n`;
}

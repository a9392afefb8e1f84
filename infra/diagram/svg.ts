/**
 * The consortium as a self-contained SVG (no scripts, no external fonts or images), drawn from
 * svg-layout.ts: hosts, agencies with their nodes, groups, a grey line from each host to the
 * nodes it runs, and one line per role, styled by role and explained in a legend. Pure.
 */
import type { Model } from "../topology/types";
import { FONT_SIZE, LINE_HEIGHT, PAD, layoutDiagram, type Box, type Edge, type TextBox } from "./svg-layout";
import type { Role } from "./facts";

const ROLE_COLOR: Record<Role, string> = { sealer: "#1f6feb", observer: "#c2410c", free: "#6b7280" };
const ROLE_LEGEND: Record<Role, string> = {
  sealer: "sealer (seals blocks, counts for consensus)",
  observer: "observer (syncs and serves, does not seal)",
  free: "free (keeps the group's files, does not run it)",
};
const ROLES: Role[] = ["sealer", "observer", "free"];

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function rect(box: Box, cls: string, radius: number): string {
  return `<rect class="${cls}" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="${radius}"/>`;
}

function textLines(box: TextBox): string[] {
  return box.lines.map((line, i) => {
    const y = box.y + PAD + FONT_SIZE + i * LINE_HEIGHT - 2;
    return `<text x="${box.x + PAD}" y="${y}"${i === 0 ? ' class="name"' : ""}>${escapeXml(line)}</text>`;
  });
}

function curve({ from, to }: Edge): string {
  const bend = Math.round((to.x - from.x) / 2);
  return `M ${from.x} ${from.y} C ${from.x + bend} ${from.y}, ${to.x - bend} ${to.y}, ${to.x} ${to.y}`;
}

const STYLE = [
  `text { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: ${FONT_SIZE}px; fill: #111827; }`,
  ".title { font-size: 16px; font-weight: bold; }",
  ".heading { font-size: 12px; fill: #4b5563; }",
  ".name { font-weight: bold; }",
  ".note { font-style: italic; fill: #6b7280; }",
  ".host { fill: #f3f4f6; stroke: #6b7280; }",
  ".agency { fill: #fffbeb; stroke: #b45309; stroke-width: 1.5; }",
  ".node { fill: #ffffff; stroke: #374151; }",
  ".group { fill: #eef4ff; stroke: #1f6feb; stroke-width: 1.5; }",
  ".link { fill: none; stroke: #9ca3af; stroke-width: 1.2; }",
  `.sealer { fill: none; stroke: ${ROLE_COLOR.sealer}; stroke-width: 2.2; }`,
  `.observer { fill: none; stroke: ${ROLE_COLOR.observer}; stroke-width: 2; stroke-dasharray: 7 4; }`,
  `.free { fill: none; stroke: ${ROLE_COLOR.free}; stroke-width: 1.6; stroke-dasharray: 2 4; }`,
];

export function renderSvg(model: Model): string {
  const layout = layoutDiagram(model);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}">`,
    `<title>${escapeXml(layout.title)}</title>`,
    "<defs>",
    `<style>${STYLE.join(" ")}</style>`,
    ...ROLES.map(
      (role) =>
        `<marker id="arrow-${role}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="${ROLE_COLOR[role]}"/></marker>`,
    ),
    "</defs>",
    `<rect x="0" y="0" width="${layout.width}" height="${layout.height}" fill="#ffffff"/>`,
    `<text class="title" x="${layout.legend.x}" y="40">${escapeXml(layout.title)}</text>`,
    ...layout.headings.map((h) => `<text class="heading" x="${h.x}" y="${layout.headingY}">${escapeXml(h.text)}</text>`),
  ];
  for (const agency of layout.agencies) {
    out.push(rect(agency, "agency", 8));
    out.push(`<text class="name" x="${agency.x + 12}" y="${agency.y + 19}">${escapeXml(agency.name)}</text>`);
    if (agency.empty) out.push(`<text class="note" x="${agency.x + 12}" y="${agency.y + 19 + LINE_HEIGHT}">no nodes yet</text>`);
  }
  for (const box of layout.hosts) out.push(rect(box, "host", 4), ...textLines(box));
  for (const box of layout.nodes) out.push(rect(box, "node", 4), ...textLines(box));
  for (const box of layout.groups) out.push(rect(box, "group", 14), ...textLines(box));
  for (const link of layout.hostLinks) out.push(`<path class="link" d="${curve(link)}"/>`);
  for (const line of layout.roleLines) out.push(`<path class="${line.role}" d="${curve(line)}" marker-end="url(#arrow-${line.role})"/>`);

  const { x, y } = layout.legend;
  out.push(`<path class="link" d="M ${x} ${y + 6} L ${x + 40} ${y + 6}"/>`, `<text x="${x + 50}" y="${y + 10}">host runs node</text>`);
  ROLES.forEach((role, i) => {
    const ly = y + 6 + (i + 1) * 18;
    out.push(
      `<path class="${role}" d="M ${x} ${ly} L ${x + 40} ${ly}" marker-end="url(#arrow-${role})"/>`,
      `<text x="${x + 50}" y="${ly + 4}">${escapeXml(ROLE_LEGEND[role])}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/**
 * Where everything of the SVG picture goes, in three columns: hosts, agencies with their nodes,
 * groups. Agencies stack in declaration order; a host or group sits level with the nodes it is
 * linked to, pushed down just enough not to overlap the one above, so lines stay short and
 * mostly level. Text widths are estimated from character counts (no font metrics), generously,
 * so the output depends on the model alone.
 */
import type { Model } from "../topology/types";
import { chainTitle, hostConnectionText, nodePortsText, roleEdges, type Role } from "./facts";

export const FONT_SIZE = 13;
export const LINE_HEIGHT = 17;
/** Padding inside a box. */
export const PAD = 10;
const CHAR_WIDTH = 7.6;
const BOLD_CHAR_WIDTH = 8.4;
const MARGIN = 24;
const TITLE_HEIGHT = 40;
const HEADING_HEIGHT = 26;
const COLUMN_GAP = 150;
const NODE_GAP = 10;
const AGENCY_HEADER = 28;
const AGENCY_PAD = 12;
const AGENCY_GAP = 18;
const SIDE_GAP = 16;
const LEGEND_HEIGHT = 70;

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A box with lines of text; the first line is the name, drawn bold. */
export interface TextBox extends Box {
  lines: string[];
}

export interface AgencyBox extends Box {
  name: string;
  /** True when the agency has no nodes yet (the box says so). */
  empty: boolean;
}

export interface Edge {
  from: Point;
  to: Point;
}

export interface RoleLine extends Edge {
  role: Role;
}

export interface Layout {
  width: number;
  height: number;
  title: string;
  headings: { x: number; text: string }[];
  headingY: number;
  hosts: TextBox[];
  agencies: AgencyBox[];
  nodes: TextBox[];
  groups: TextBox[];
  hostLinks: Edge[];
  roleLines: RoleLine[];
  legend: Point;
}

function textWidth(lines: readonly string[]): number {
  return Math.max(...lines.map((line, i) => line.length * (i === 0 ? BOLD_CHAR_WIDTH : CHAR_WIDTH)));
}

function boxHeight(lineCount: number): number {
  return 2 * PAD + lineCount * LINE_HEIGHT - (LINE_HEIGHT - FONT_SIZE);
}

const centerY = (box: Box) => box.y + box.height / 2;

/**
 * Tops for boxes of the given heights that want to be centred at `wanted` (undefined: no wish),
 * taken in order of their wish, never above `top` and never overlapping. Returns tops by index.
 */
function placeNear(heights: number[], wanted: (number | undefined)[], top: number, gap: number): number[] {
  const order = heights.map((_, i) => i).sort((a, b) => (wanted[a] ?? Infinity) - (wanted[b] ?? Infinity) || a - b);
  const tops: number[] = [];
  let next = top;
  for (const i of order) {
    const want = wanted[i] === undefined ? next : wanted[i]! - heights[i] / 2;
    tops[i] = Math.round(Math.max(next, want));
    next = tops[i] + heights[i] + gap;
  }
  return tops;
}

/** `count` points spread evenly along a box side at x, top to bottom. */
function spread(box: Box, x: number, count: number): Point[] {
  return Array.from({ length: count }, (_, i) => ({ x, y: Math.round(box.y + ((i + 1) * box.height) / (count + 1)) }));
}

export function layoutDiagram(model: Model): Layout {
  const top = MARGIN + TITLE_HEIGHT + HEADING_HEIGHT;
  const hostLines = model.hosts.map((h) => [h.name, h.address, hostConnectionText(h)]);
  const nodeLines = model.nodes.map((n) => {
    const host = model.hosts.find((h) => h.name === n.host)!;
    return [n.name, `on ${host.name} (${host.address})`, nodePortsText(n)];
  });
  const groupLines = model.groups.map((g) => {
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
    const counts = [count(g.sealers.length, "sealer"), count(g.observers.length, "observer"), ...(g.free.length ? [`${g.free.length} free`] : [])];
    return [`group ${g.id}`, g.genesis.consensus, counts.join(" · ")];
  });
  const hostWidth = Math.ceil(Math.max(80, ...hostLines.map(textWidth)) + 2 * PAD);
  const nodeWidth = Math.ceil(Math.max(120, ...nodeLines.map(textWidth)) + 2 * PAD);
  const agencyWidth = Math.ceil(Math.max(nodeWidth + 2 * AGENCY_PAD, ...model.agencies.map((a) => a.name.length * BOLD_CHAR_WIDTH + 2 * AGENCY_PAD)));
  const groupWidth = Math.ceil(Math.max(100, ...groupLines.map(textWidth)) + 2 * PAD);
  const hostX = MARGIN;
  const agencyX = hostX + hostWidth + COLUMN_GAP;
  const groupX = agencyX + agencyWidth + COLUMN_GAP;

  // Agencies and their nodes, top to bottom.
  const agencies: AgencyBox[] = [];
  const nodes: TextBox[] = [];
  let y = top;
  for (const agency of model.agencies) {
    let inner = y + AGENCY_HEADER;
    for (const name of agency.nodes) {
      const lines = nodeLines[model.nodes.findIndex((n) => n.name === name)];
      nodes.push({ x: agencyX + AGENCY_PAD, y: inner, width: nodeWidth, height: boxHeight(lines.length), lines });
      inner += boxHeight(lines.length) + NODE_GAP;
    }
    const height = agency.nodes.length === 0 ? AGENCY_HEADER + LINE_HEIGHT + AGENCY_PAD : inner - NODE_GAP - y + AGENCY_PAD;
    agencies.push({ name: agency.name, x: agencyX, y, width: agencyWidth, height, empty: agency.nodes.length === 0 });
    y += height + AGENCY_GAP;
  }
  const nodeBox = (name: string) => nodes.find((b) => b.lines[0] === name)!;

  // Hosts and groups level with the nodes they are linked to.
  const mean = (values: number[]) => (values.length === 0 ? undefined : values.reduce((s, v) => s + v, 0) / values.length);
  const edges = roleEdges(model);
  const hostTops = placeNear(
    hostLines.map((l) => boxHeight(l.length)),
    model.hosts.map((h) => mean(model.nodes.filter((n) => n.host === h.name).map((n) => centerY(nodeBox(n.name))))),
    top,
    SIDE_GAP,
  );
  const hosts = hostLines.map((lines, i) => ({ x: hostX, y: hostTops[i], width: hostWidth, height: boxHeight(lines.length), lines }));
  const groupTops = placeNear(
    groupLines.map((l) => boxHeight(l.length)),
    model.groups.map((g) => mean(edges.filter((e) => e.group === g.id).map((e) => centerY(nodeBox(e.node))))),
    top,
    SIDE_GAP,
  );
  const groups = groupLines.map((lines, i) => ({ x: groupX, y: groupTops[i], width: groupWidth, height: boxHeight(lines.length), lines }));

  // Host links: spread along each host's right side in the order of the nodes they reach.
  const hostLinks: Edge[] = [];
  model.hosts.forEach((host, i) => {
    const targets = model.nodes
      .filter((n) => n.host === host.name)
      .map((n) => nodeBox(n.name))
      .sort((a, b) => a.y - b.y);
    const starts = spread(hosts[i], hosts[i].x + hosts[i].width, targets.length);
    targets.forEach((target, k) => hostLinks.push({ from: starts[k], to: { x: target.x, y: Math.round(centerY(target)) } }));
  });

  // Role lines: spread along the node's right side (by group) and the group's left side (by node).
  const roleLines: RoleLine[] = [];
  const sortedEdges = [...edges].sort((a, b) => nodeBox(a.node).y - nodeBox(b.node).y || a.group - b.group);
  const starts = new Map(
    model.nodes.map((n) => {
      const box = nodeBox(n.name);
      return [n.name, spread(box, box.x + box.width, edges.filter((e) => e.node === n.name).length)];
    }),
  );
  const ends = new Map(model.groups.map((g, i) => [g.id, spread(groups[i], groups[i].x, edges.filter((e) => e.group === g.id).length)]));
  const used = new Map<string, number>();
  const take = (key: string, points: Point[]) => {
    const k = used.get(key) ?? 0;
    used.set(key, k + 1);
    return points[k];
  };
  for (const e of sortedEdges) {
    const byGroup = edges.filter((x) => x.node === e.node).sort((a, b) => a.group - b.group);
    const from = starts.get(e.node)![byGroup.indexOf(e)];
    roleLines.push({ from, to: take(`g${e.group}`, ends.get(e.group)!), role: e.role });
  }

  const bottom = Math.max(y - AGENCY_GAP, ...hosts.map((b) => b.y + b.height), ...groups.map((b) => b.y + b.height));
  return {
    width: groupX + groupWidth + MARGIN,
    height: bottom + 24 + LEGEND_HEIGHT + MARGIN,
    title: chainTitle(model),
    headings: [
      { x: hostX, text: "hosts" },
      { x: agencyX, text: "agencies and their nodes" },
      { x: groupX, text: "groups" },
    ],
    headingY: MARGIN + TITLE_HEIGHT + 4,
    hosts,
    agencies,
    nodes,
    groups,
    hostLinks,
    roleLines,
    legend: { x: MARGIN, y: bottom + 24 },
  };
}

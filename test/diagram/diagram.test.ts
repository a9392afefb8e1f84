/**
 * The consortium's picture: the Mermaid text names every host, agency, node and group and has one
 * edge per node role and per node's host; the SVG is well-formed XML (fast-xml-parser) and draws
 * the same things; both are pure.
 */
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderDiagram, renderMermaid, renderSvg } from "../../infra/diagram";
import { loadTopologyFile } from "../../infra/topology/load";
import { validateTopology } from "../../infra/topology/validate";
import type { Model } from "../../infra/topology/types";

const root = join(__dirname, "..", "..");
const dev = loadTopologyFile(join(root, "stacks", "Pulumi.dev.yaml"));
const multiHost = loadTopologyFile(join(root, "test", "topology", "fixtures", "multi-host.yaml"));

/** Every role the model declares, as `node role group`. */
function declaredRoles(model: Model): string[] {
  return model.groups.flatMap((g) => [
    ...g.sealers.map((n) => `${n} sealer ${g.id}`),
    ...g.observers.map((n) => `${n} observer ${g.id}`),
    ...g.free.map((n) => `${n} free ${g.id}`),
  ]);
}

/** The role edges of Mermaid text, as `node role group` (ids mapped back to names). */
function mermaidRoles(text: string): string[] {
  return [...text.matchAll(/^ {2}n_(\S+) (?:==>|-->|-\.->)\|(\w+)\| g_(\d+)$/gm)].map((m) => `${m[1].replace(/_d/g, "-")} ${m[2]} ${m[3]}`);
}

/** Lines between `subgraph <id>[…]` and its `end`. */
function subgraph(text: string, id: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`  subgraph ${id}[`));
  expect(start, `subgraph ${id}`).toBeGreaterThan(-1);
  return lines.slice(start + 1, lines.indexOf("  end", start));
}

describe("mermaid", () => {
  const text = renderMermaid(dev);

  it("is a flowchart with every agency as a box of its own nodes", () => {
    expect(text.startsWith("flowchart LR\n")).toBe(true);
    for (const agency of dev.agencies) {
      const inside = subgraph(text, `a_${agency.name}`);
      expect(inside.length).toBe(Math.max(1, agency.nodes.length));
      for (const node of agency.nodes) expect(inside.some((l) => l.startsWith(`    n_${node}["${node}<br/>p2p `))).toBe(true);
    }
    expect(subgraph(text, "a_agencyD")).toEqual(['    a_agencyD_none["no nodes yet"]']);
  });

  it("draws the hosts with their address and each node's link to its host", () => {
    expect(subgraph(text, "hosts")).toEqual(['    h_local{{"local<br/>127.0.0.1<br/>local · /tmp/bcos-pulumi/dev"}}']);
    for (const node of dev.nodes) expect(text).toContain(`\n  h_local -.- n_${node.name}\n`);
  });

  it("draws every group and exactly one edge per declared role", () => {
    expect(subgraph(text, "groups")).toEqual(['    g_1(["group 1<br/>pbft"])', '    g_2(["group 2<br/>raft"])']);
    expect(mermaidRoles(text)).toEqual(declaredRoles(dev));
    expect(text).toContain("\n  n_node3 ==>|sealer| g_1\n  n_node3 ==>|sealer| g_2\n");
  });

  it("shows observers and free nodes with their own arrows, and escapes names with - and _", () => {
    const multi = renderMermaid(multiHost);
    expect(mermaidRoles(multi)).toEqual(declaredRoles(multiHost));
    expect(multi).toContain("\n  n_node4 -->|observer| g_7\n");
    expect(multi).toContain("\n  n_node1 -.->|free| g_7\n");
    expect(multi).toContain('h_a1_dalt{{"a1-alt<br/>FISCO-A.example.com<br/>ssh as root, port 22 · /srv/fisco"}}');
    const clash = validateTopology({
      chain: { install: false },
      hosts: {
        h_d: { address: "10.0.0.1", connection: "local", deployDir: "/opt/a" },
        "h-d": { address: "10.0.0.2", connection: "local", deployDir: "/opt/b" },
      },
      agencies: { x_d: { nodes: { "n-1": { host: "h_d" } } }, "x-d": { nodes: { n_1: { host: "h-d" } } } },
    });
    const ids = [...renderMermaid(clash).matchAll(/^ {2,4}(?:subgraph )?([a-z]_\S+?)[[{(]/gm)].map((m) => m[1]);
    expect(ids).toEqual(["h_h__d", "h_h_dd", "a_x__d", "n_n_d1", "a_x_dd", "n_n__1"]);
  });
});

describe("svg", () => {
  const svg = renderSvg(dev);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(svg) as { svg: Record<string, unknown> };
  const all = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
  type Element = Record<string, string>;
  const rects = all(parsed.svg.rect as Element | Element[]);
  const paths = all(parsed.svg.path as Element | Element[]);
  const texts = all(parsed.svg.text as (Element | string) | (Element | string)[]).map((t) => (typeof t === "string" ? t : t["#text"]));

  it("is well-formed, self-contained XML", () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(parsed.svg.xmlns).toBe("http://www.w3.org/2000/svg");
    expect(svg).not.toMatch(/<script|href=|@import|url\((?!#)/);
  });

  it("draws a box per host, agency, node and group, with their names", () => {
    const count = (cls: string) => rects.filter((r) => r.class === cls).length;
    expect([count("host"), count("agency"), count("node"), count("group")]).toEqual([1, 4, 5, 2]);
    for (const name of ["local", "agencyA", "agencyB", "agencyC", "agencyD", "node0", "node1", "node2", "node3", "node4", "group 1", "group 2"]) {
      expect(texts, name).toContain(name);
    }
    expect(texts).toContain("p2p 30303 · channel 20203 · rpc 8548");
  });

  it("draws one line per node's host and per role, styled by role", () => {
    const lines = (cls: string) => paths.filter((p) => p.class === cls && p.d.includes(" C ")).length;
    expect(lines("link")).toBe(5);
    expect(lines("sealer")).toBe(6);
    const multi = renderSvg(multiHost);
    expect(multi.match(/class="observer" d="M [^"]* C /g)).toHaveLength(1);
    expect(multi.match(/class="free" d="M [^"]* C /g)).toHaveLength(1);
  });

  it("keeps every box inside the picture and no two boxes of a column overlapping", () => {
    const size = { width: Number(parsed.svg.width), height: Number(parsed.svg.height) };
    const boxes = rects
      .filter((r) => ["host", "agency", "node", "group"].includes(r.class))
      .map((r) => ({ cls: r.class, x: Number(r.x), y: Number(r.y), w: Number(r.width), h: Number(r.height) }));
    for (const b of boxes) {
      expect(b.x >= 0 && b.y >= 0 && b.x + b.w <= size.width && b.y + b.h <= size.height, JSON.stringify(b)).toBe(true);
    }
    for (const cls of ["host", "agency", "node", "group"]) {
      const column = boxes.filter((b) => b.cls === cls).sort((a, b) => a.y - b.y);
      column.slice(1).forEach((b, i) => expect(b.y, cls).toBeGreaterThanOrEqual(column[i].y + column[i].h));
    }
  });
});

describe("both formats", () => {
  it("are pure: the same model gives the same bytes", () => {
    for (const format of ["mermaid", "svg"] as const) {
      expect(renderDiagram(structuredClone(dev), format)).toBe(renderDiagram(dev, format));
      expect(renderDiagram(structuredClone(multiHost), format)).toBe(renderDiagram(multiHost, format));
    }
  });
});

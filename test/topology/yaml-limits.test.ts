/**
 * Hostile or mistaken YAML (issue 11.10): nested aliases ("billion laughs"), huge files and huge
 * values end in a short error naming where, instead of minutes of work and gigabytes of memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTopologyFile, parseTopologyYaml, TopologyError, validateTopology } from "../../infra/topology";
import { billionLaughs } from "./hostile-yaml";

function refusal(run: () => unknown): TopologyError {
  try {
    run();
  } catch (error) {
    if (error instanceof TopologyError) return error;
    throw error;
  }
  throw new Error("the topology was accepted");
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "bcos-yaml-limits-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("aliases", () => {
  it("refuses a billion laughs, naming the file and where it expands", () => {
    const file = join(work, "laughs.yaml");
    writeFileSync(file, billionLaughs());
    const error = refusal(() => loadTopologyFile(file));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].path).toMatch(/^hosts\[/);
    expect(error.message).toContain(file);
    expect(error.message).toContain("more than 100000 values once YAML aliases (*name) are expanded");
    expect(error.message.length).toBeLessThan(1000);
  });

  it("refuses it inside a stack file's topology stored as a JSON string", () => {
    const text = `config:\n  bcos:topology: |\n${billionLaughs().replace(/^/gm, "    ")}`;
    expect(refusal(() => parseTopologyYaml(text, "Pulumi.x.yaml")).message).toContain("Pulumi.x.yaml (bcos:topology)");
  });

  it("still reads a topology that shares settings through an alias", () => {
    const text = [
      "chain: {install: false}",
      "hosts:",
      "  a: &host {address: 10.0.0.5, connection: {ssh: {user: fisco}}, deployDir: /opt/fisco}",
      "  b: *host",
      "agencies: {agencyA: {nodes: {n0: {host: a}, n1: {host: b}}}}",
    ].join("\n");
    expect(parseTopologyYaml(text, "t.yaml").nodes.map((n) => n.p2pPort)).toEqual([30300, 30301]);
  });
});

describe("size", () => {
  it("refuses a file over 1 MiB before parsing it, naming the file", () => {
    const file = join(work, "big.yaml");
    writeFileSync(file, `# ${"x".repeat(1024 * 1024)}\nhosts: {}\nagencies: {}\n`);
    const error = refusal(() => loadTopologyFile(file));
    expect(error.issues).toEqual([expect.objectContaining({ path: file, value: "1048577 bytes" })]);
    expect(error.message).toContain("is larger than 1048576 bytes");
  });

  it("refuses an oversized text given directly", () => {
    const error = refusal(() => parseTopologyYaml(`# ${"é".repeat(600 * 1024)}\n`, "t.yaml"));
    expect(error.message).toContain("is larger than 1048576 bytes");
  });
});

describe("values echoed in errors", () => {
  it("cuts a long value short with an ellipsis and its length", () => {
    const long = `/opt/${"x".repeat(5000)}`;
    const error = refusal(() =>
      validateTopology({ chain: { install: false }, hosts: { h: { address: "10.0.0.5", connection: "local", deployDir: long } }, agencies: {} }),
    );
    expect(error.message).toContain(`(got "/opt/xxx`);
    expect(error.message).toContain(`… (${long.length} characters))`);
    expect(error.message.length).toBeLessThan(1000);
  });

  it("cuts a long unknown key short in the path and message", () => {
    const key = "k".repeat(20000);
    const error = refusal(() => validateTopology({ chain: { install: false }, hosts: {}, agencies: {}, [key]: 1 }));
    expect(error.message.length).toBeLessThan(1500);
    expect(error.message).toContain(`… (${key.length} characters)`);
  });

  it("describes a cut-short list by its size", () => {
    const error = refusal(() => validateTopology({ chain: { install: false }, hosts: Array(500).fill("host"), agencies: {} }));
    expect(error.message).toContain("… (a list of 500 items))");
  });

  it("shows the first 50 of many problems and counts the rest", () => {
    const agencies = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`bad agency ${i}`, {}]));
    const error = refusal(() => validateTopology({ chain: { install: false }, hosts: {}, agencies }));
    expect(error.issues).toHaveLength(80);
    expect(error.message.split("\n")).toHaveLength(52);
    expect(error.message).toContain("… and 30 more problems");
  });
});

/**
 * The stack file writer quotes whatever a YAML 1.1 reader (Pulumi's) could take for a number,
 * boolean or null, and what it writes loads back unchanged. import-engine.test.ts checks the same
 * against the real pulumi CLI.
 */
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { toStackYaml } from "../../infra/import/stack-yaml";

describe("toStackYaml", () => {
  const document = {
    config: {
      "bcos:topology": {
        hosts: { "127_0_0_1": { address: "127.0.0.1", deployDir: "/opt/fisco" }, yes: { address: "fd00::5" }, hostA: {} },
        groups: { "1": { sealers: ["node0", "on", "1_0"], observers: [], timestamp: 1700000000000, enableFreeStorage: false } },
        chain: { version: "2.11.1", id: 0 },
      },
      "bcos:importedKeys": { nodes: { node0: { gmnode: { secure: "v1:AAAA+/==:BBBB" } } } },
      odd: 'line\nbreak "quoted" # not a comment: really',
    },
  };
  const text = toStackYaml(document);

  it("loads back to the same value", () => {
    expect(yaml.load(text)).toEqual(document);
  });

  it("writes plain only what cannot be read as anything but a string", () => {
    expect(text).toContain('"127_0_0_1":');
    expect(text).toContain('"yes":');
    expect(text).toContain('- "on"');
    expect(text).toContain('- "1_0"');
    expect(text).toContain('"1":');
    expect(text).toContain('version: "2.11.1"');
    expect(text).toContain("hostA: {}");
    expect(text).toContain("observers: []");
    expect(text).toContain("    bcos:topology:".trimStart());
    expect(text).toContain("- node0");
    expect(text).toContain("timestamp: 1700000000000");
  });

  it("refuses values a stack file cannot hold", () => {
    expect(() => toStackYaml({ a: 1.5 })).toThrow(/cannot write 1.5/);
  });
});

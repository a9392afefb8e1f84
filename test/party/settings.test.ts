import { describe, expect, it } from "vitest";
import { readPartySettings, stackNameOf } from "../../infra/party/settings";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";

const MODEL: Model = validateTopology({
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyA: { nodes: { node0: { host: "server" } } }, agencyD: {} },
});

function failure(party: unknown, exchange: unknown): string {
  try {
    readPartySettings(party, exchange, MODEL);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected the settings to be refused");
}

describe("bcos:party and bcos:exchange", () => {
  it("without either, the stack is the whole consortium", () => {
    expect(readPartySettings(undefined, undefined, MODEL)).toEqual({ party: { kind: "consortium" } });
    expect(readPartySettings(null, null, MODEL)).toEqual({ party: { kind: "consortium" } });
  });

  it("reads the committee and an agency with either exchange", () => {
    expect(readPartySettings("committee", { dir: "/mnt/usb" }, MODEL)).toEqual({ party: { kind: "committee" }, exchange: { kind: "dir", dir: "/mnt/usb" } });
    expect(readPartySettings("agencyD", { stacks: "acme/bcos/{party}" }, MODEL)).toEqual({
      party: { kind: "agency", agency: "agencyD" },
      exchange: { kind: "stacks", pattern: "acme/bcos/{party}" },
    });
    // `pulumi config set bcos:exchange '{"dir":"/mnt/usb"}'` (no --path) hands over JSON text.
    expect(readPartySettings("agencyA", '{"dir":"/mnt/usb"}', MODEL).exchange).toEqual({ kind: "dir", dir: "/mnt/usb" });
  });

  it("names the stack of each party", () => {
    expect(stackNameOf({ pattern: "acme/bcos/{party}" }, "agencyD")).toBe("acme/bcos/agencyD");
    expect(stackNameOf({ pattern: "acme/{party}-bcos/{party}" }, "committee")).toBe("acme/committee-bcos/committee");
  });

  const refusals: [string, unknown, unknown, string][] = [
    [
      "an unknown party, with the closest name",
      "agencyd",
      { dir: "/x" },
      'bcos:party: is neither committee nor an agency of the topology (got "agencyd"). Fix: did you mean "agencyD"? (committee or an agency of bcos:topology (agencyA, agencyD))',
    ],
    ["a party that is not text", 3, { dir: "/x" }, "bcos:party: must be a string, not a number (got 3)"],
    [
      "a party without an exchange",
      "committee",
      undefined,
      "bcos:exchange: is required when bcos:party is set (the parties must see each other's public material) (got nothing). Fix: pulumi config set --path bcos:exchange.dir",
    ],
    ["an exchange without a party", undefined, { dir: "/x" }, "bcos:exchange: is set but bcos:party is not"],
    [
      "an exchange that is no map",
      "committee",
      "/mnt/usb",
      'bcos:exchange: must be a map, not a string (got "/mnt/usb"). Fix: write a map such as { dir: /mnt/consortium/bundles } or { stacks: "acme/bcos/{party}" }',
    ],
    ["both exchanges", "committee", { dir: "/x", stacks: "a/b/{party}" }, "bcos:exchange: names both a folder and stacks"],
    ["no exchange named", "committee", {}, "bcos:exchange: names no exchange"],
    ["a misspelt exchange key", "committee", { dirs: "/x" }, 'bcos:exchange.dirs: unknown key "dirs" (got "/x"). Fix: did you mean "dir"?'],
    ["an empty folder", "committee", { dir: "" }, 'bcos:exchange.dir: must not be empty (got "")'],
    [
      "stacks without {party}",
      "committee",
      { stacks: "acme/bcos/committee" },
      'bcos:exchange.stacks: has no {party}, so every party would read the same stack (got "acme/bcos/committee"). Fix: write <organization>/<project>/<stack>',
    ],
    ["stacks not fully qualified", "committee", { stacks: "bcos-{party}" }, "bcos:exchange.stacks: is not a fully qualified stack name"],
    ["stacks with a space", "committee", { stacks: "acme corp/bcos/{party}" }, "bcos:exchange.stacks: is not a fully qualified stack name"],
  ];
  for (const [name, party, exchange, expected] of refusals) {
    it(`refuses ${name}, naming key, value and fix`, () => {
      const message = failure(party, exchange);
      expect(message).toContain("Invalid setting in stack config");
      expect(message).toContain(expected);
    });
  }

  it("reports every problem at once", () => {
    const message = failure("nobody", { stacks: "x" });
    expect(message).toContain("(2 problems)");
    expect(message).toContain("bcos:party:");
    expect(message).toContain("bcos:exchange.stacks:");
  });
});

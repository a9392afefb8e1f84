/**
 * `bcos:healthTimeoutSeconds` (issue 11.10): the install script counts it in bash arithmetic, so a
 * fraction such as 2.5 used to break a node's health check after it had started. The program now
 * refuses it before registering anything, naming the key; the Consortium checks it too.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readHealthTimeoutSeconds } from "../../infra/topology/validate-settings";
import { devModel, devTopology } from "../components/dev-stack";
import { type Registration, settled, startMocks } from "../components/mock-run";

let registrations: Registration[];
let failure: unknown;

beforeAll(async () => {
  registrations = await startMocks({
    "bcos:topology": JSON.stringify(devTopology()),
    "bcos:outputDir": "/nonexistent",
    "bcos:healthTimeoutSeconds": "2.5",
  });
  failure = await import("../../index").then(
    () => undefined,
    (error: unknown) => error,
  );
  await settled();
});

describe("the program with bcos:healthTimeoutSeconds: 2.5", () => {
  it("fails naming the key, the value and the fix", () => {
    const text = String(failure);
    expect(text).toContain('bcos:healthTimeoutSeconds: must be a whole number (got "2.5")');
    expect(text).toContain("write a whole number from 1 to 3600, e.g. 60");
  });

  it("registers no resource", () => {
    expect(registrations).toEqual([]);
  });
});

describe("the Consortium component", () => {
  it("refuses a fractional timeout given in code", async () => {
    const { Consortium } = await import("../../components");
    expect(() => new Consortium("c", { model: devModel(), outputDir: "/nonexistent", healthTimeoutSeconds: 2.5 })).toThrow(
      "bcos:healthTimeoutSeconds: must be a whole number (got 2.5)",
    );
  });
});

describe("readHealthTimeoutSeconds", () => {
  it.each([
    [undefined, undefined],
    ["60", 60],
    [" 1 ", 1],
    ["3600", 3600],
    [45, 45],
  ])("reads %j as %j", (value, seconds) => {
    expect(readHealthTimeoutSeconds(value)).toBe(seconds);
  });

  it.each([
    ["2.5", "must be a whole number"],
    ["0", "must be from 1 to 3600"],
    ["3601", "must be from 1 to 3600"],
    ["-5", "must be from 1 to 3600"],
    ["1e3", "must be a whole number of seconds"],
    ["sixty", "must be a whole number of seconds"],
    ["", "must be a whole number of seconds"],
    [true, "must be a number, not a boolean"],
  ])("refuses %j: %s", (value, message) => {
    expect(() => readHealthTimeoutSeconds(value)).toThrow(`bcos:healthTimeoutSeconds: ${message}`);
  });
});

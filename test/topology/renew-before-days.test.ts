/**
 * `bcos:renewBeforeDays` (issue 15.1): read by the program, checked before anything is
 * registered (whole days, at least 1, below chain.certValidityDays), with the key, the value and
 * the fix in the message.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readRenewBeforeDays } from "../../infra/topology/validate-settings";
import { devTopology } from "../components/dev-stack";
import { type Registration, settled, startMocks } from "../components/mock-run";

let registrations: Registration[];
let failure: unknown;

beforeAll(async () => {
  registrations = await startMocks({ "bcos:topology": JSON.stringify(devTopology()), "bcos:outputDir": "/nonexistent", "bcos:renewBeforeDays": "3650" });
  failure = await import("../../index").then(
    () => undefined,
    (error: unknown) => error,
  );
  await settled();
});

describe("the program with bcos:renewBeforeDays as long as the certificates' lifetime", () => {
  it("fails naming the key, the value and the fix, and registers nothing", () => {
    const text = String(failure);
    expect(text).toContain('bcos:renewBeforeDays: must be from 1 to 3649 (got "3650")');
    expect(text).toContain("write a whole number from 1 to 3649, e.g. 30 (days before expiry; default 30; less than chain.certValidityDays, 3650)");
    expect(registrations).toEqual([]);
  });
});

describe("readRenewBeforeDays", () => {
  it("defaults to 30, or one day less than a shorter lifetime", () => {
    expect(readRenewBeforeDays(undefined, 3650)).toBe(30);
    expect(readRenewBeforeDays(undefined, 20)).toBe(19);
  });

  it("takes whole days as numbers or as the strings Pulumi config hands over", () => {
    expect(readRenewBeforeDays(45, 3650)).toBe(45);
    expect(readRenewBeforeDays(" 60 ", 3650)).toBe(60);
  });

  it.each([
    ["2.5", "must be a whole number"],
    ["0", "must be from 1 to 3649"],
    ["-3", "must be from 1 to 3649"],
    ["soon", "must be a whole number of days"],
    [true, "must be a number, not a boolean"],
  ])("refuses %j", (value, message) => {
    expect(() => readRenewBeforeDays(value, 3650)).toThrow(`bcos:renewBeforeDays: ${message}`);
  });
});

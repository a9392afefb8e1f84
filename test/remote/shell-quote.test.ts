/** shellQuote: any value comes back from bash exactly, and never runs as code. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bashCommand, shellAssignments, shellQuote } from "../../infra/remote";

const HOSTILE = [
  "",
  "plain",
  "it's",
  "'",
  "''",
  "a b  c",
  "$(touch /tmp/pwned-by-shellquote)",
  "`id`",
  "${HOME}",
  'x"y\\z',
  "line1\nline2",
  "tab\there",
  "; rm -rf / #",
  "*",
  "-n",
  "ü ☃ 中文",
];

function bashEcho(word: string): string {
  const r = spawnSync("bash", ["-c", `printf '%s' ${word}`], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe("shellQuote", () => {
  it.each(HOSTILE)("gives bash back exactly %j", (value) => {
    expect(bashEcho(shellQuote(value))).toBe(value);
  });

  it("assigns hostile values to variables unchanged", () => {
    const script = `${shellAssignments({ a: HOSTILE[6], b: HOSTILE[9], n: 42 })}\nprintf '%s|%s|%s' "$a" "$b" "$n"`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(r.stdout).toBe(`${HOSTILE[6]}|${HOSTILE[9]}|42`);
  });

  it("refuses a variable name that is not a plain shell name", () => {
    expect(() => shellAssignments({ "a;b": "x" })).toThrow(/not a shell variable name/);
  });

  it("bashCommand runs a script with quotes and expansions through sh -c unchanged", () => {
    const script = `x='it'"'"'s'; printf '%s %s' "$x" "$(echo ok)"`;
    const r = spawnSync("sh", ["-c", bashCommand(script)], { encoding: "utf8" });
    expect(r.stdout).toBe("it's ok");
  });
});

import { describe, expect, it } from "vitest";
import { bigintBytes, decodeRlp, encodeRlp, RlpError, rlpInteger, type RlpItem } from "../../infra/rpc/rlp";

const hex = (s: string) => Buffer.from(s, "hex");

describe("RLP", () => {
  it("encodes the textbook examples", () => {
    expect(encodeRlp(Buffer.from("dog")).toString("hex")).toBe("83646f67");
    expect(encodeRlp([Buffer.from("cat"), Buffer.from("dog")]).toString("hex")).toBe("c88363617483646f67");
    expect(encodeRlp(Buffer.alloc(0)).toString("hex")).toBe("80");
    expect(encodeRlp([]).toString("hex")).toBe("c0");
    expect(encodeRlp(hex("0f")).toString("hex")).toBe("0f");
    expect(encodeRlp(bigintBytes(1024n)).toString("hex")).toBe("820400");
    const long = Buffer.alloc(56, 0x61);
    expect(encodeRlp(long).subarray(0, 2).toString("hex")).toBe("b838");
  });

  it("round-trips nested lists", () => {
    const item = [Buffer.from("a"), [Buffer.alloc(0), [Buffer.alloc(70, 1)]], Buffer.alloc(300, 2)];
    const asHex = (x: RlpItem): unknown => (Array.isArray(x) ? x.map(asHex) : Buffer.from(x).toString("hex"));
    expect(asHex(decodeRlp(encodeRlp(item)))).toEqual(asHex(item));
  });

  it("refuses non-canonical and truncated input", () => {
    for (const bad of ["8100", "817f", "b800", "b80100", "c3820400ff", "83646f", "8364", "f800", "c0c0", "b90037" + "00".repeat(55)]) {
      expect(() => decodeRlp(hex(bad)), bad).toThrow(RlpError);
    }
  });

  it("reads integers strictly: no leading zero byte, 0 is the empty string", () => {
    expect(rlpInteger(new Uint8Array(0), "x")).toBe(0n);
    expect(rlpInteger(hex("0400"), "x")).toBe(1024n);
    expect(() => rlpInteger(hex("00"), "x")).toThrow(/leading zero/);
    expect(() => rlpInteger(hex("0001"), "x")).toThrow(/leading zero/);
  });
});

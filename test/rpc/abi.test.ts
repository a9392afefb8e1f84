import { describe, expect, it } from "vitest";
import { decodeArguments, decodeInt256, encodeArguments, encodeFunctionCall, functionSelector } from "../../infra/rpc/abi";
import { VECTORS } from "./vectors";

const NODE_ID: string = VECTORS.calldata.node_id_used;

describe("ABI", () => {
  it("computes the published consensus selectors in both modes", () => {
    for (const [mode, smCrypto] of [
      ["gm_sm3", true],
      ["normal_keccak256", false],
    ] as const) {
      for (const [signature, selector] of Object.entries(VECTORS.selectors[mode] as Record<string, string>)) {
        expect("0x" + functionSelector(signature, smCrypto).toString("hex")).toBe(selector);
      }
    }
  });

  it("encodes the published addSealer/addObserver/remove call data", () => {
    for (const [mode, smCrypto] of [
      ["gm", true],
      ["normal", false],
    ] as const) {
      for (const name of ["addSealer", "addObserver", "remove"]) {
        const data = encodeFunctionCall(name, ["string"], [NODE_ID], smCrypto);
        expect("0x" + data.toString("hex")).toBe(VECTORS.calldata[mode][name]);
        expect(data.length).toBe(196);
      }
    }
  });

  it("decodes precompiled int256 outputs, negative codes included", () => {
    for (const [value, encoded] of Object.entries(VECTORS.precompiled_output_int256 as Record<string, string>)) {
      expect(decodeInt256(encoded)).toBe(BigInt(value));
      expect("0x" + encodeArguments(["int256"], [BigInt(value)]).toString("hex")).toBe(encoded);
    }
  });

  it("round-trips mixed static and dynamic arguments", () => {
    const values = ["héllo", "0x00000000000000000000000000000000000010aa", -5n, 7n, ""];
    const types = ["string", "address", "int256", "uint256", "string"] as const;
    expect(decodeArguments(types, encodeArguments(types, values))).toEqual(values);
    expect(() => encodeArguments(["uint256"], [-1n])).toThrow(/out of range/);
    expect(() => decodeArguments(["string"], "0x20")).toThrow(/ends/);
  });
});

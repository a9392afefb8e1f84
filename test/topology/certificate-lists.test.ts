import { describe, expect, it } from "vitest";
import { validateTopology } from "../../infra/topology";
import { baseTopology } from "./invalid-cases";

const ID_A = "ab".repeat(64);
const ID_B = "0123456789abcdef".repeat(8);
const ID_C = "fe".repeat(64);

describe("chain.certificateBlacklist / certificateWhitelist", () => {
  it("are absent from the model when not given or empty", () => {
    const t = baseTopology();
    Object.assign(t.chain, { certificateBlacklist: [], certificateWhitelist: null });
    const { chain } = validateTopology(t);
    expect(chain.certificateBlacklist).toBeUndefined();
    expect(chain.certificateWhitelist).toBeUndefined();
  });

  it("keep the given order and store IDs lower-case", () => {
    const t = baseTopology();
    Object.assign(t.chain, { certificateBlacklist: [ID_B, ID_A.toUpperCase()], certificateWhitelist: [ID_C.toUpperCase()] });
    const { chain } = validateTopology(t);
    expect(chain.certificateBlacklist).toEqual([ID_B, ID_A]);
    expect(chain.certificateWhitelist).toEqual([ID_C]);
  });
});

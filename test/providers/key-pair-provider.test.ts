/** Key pairs are made once: no diff ever regenerates one, only a new algorithm replaces it. */
import { describe, expect, it } from "vitest";
import { loadPrivateKey } from "../../infra/crypto/keys";
import { type KeyPairOutputs, keyPairProvider } from "../../infra/providers/key-pair-provider";

const create = async (algorithm: string) => {
  const { id, outs } = await keyPairProvider.create({ algorithm });
  return { id, outs: outs as KeyPairOutputs };
};

describe("keyPairProvider", () => {
  it.each(["sm2", "secp256k1", "rsa2048"])("creates a %s key whose public outputs belong to its private key", async (algorithm) => {
    const { id, outs } = await create(algorithm);
    const loaded = loadPrivateKey(outs.privateKeyPem).keyPair;
    expect(loaded.algorithm).toBe(algorithm);
    expect(outs.publicKeyPem).toBe(loaded.publicKeyPem);
    expect(outs.publicKeyHex).toBe(loaded.publicKeyHex ?? "");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("gives an EC key its 128-hex public point and a fresh key each time", async () => {
    const [a, b] = await Promise.all([create("sm2"), create("sm2")]);
    expect(a.outs.publicKeyHex).toMatch(/^[0-9a-f]{128}$/);
    expect(a.outs.privateKeyPem).not.toBe(b.outs.privateKeyPem);
  });

  it("checks the algorithm and passes only it on", async () => {
    expect(await keyPairProvider.check!({}, { algorithm: "sm2", extra: 1 })).toEqual({ inputs: { algorithm: "sm2" } });
    const { failures } = await keyPairProvider.check!({}, { algorithm: "ed25519" });
    expect(failures?.[0].property).toBe("algorithm");
    expect(failures?.[0].reason).toMatch(/sm2, secp256k1, rsa2048/);
  });

  it("reports no change for the same inputs (a second up keeps the key)", async () => {
    const { id, outs } = await create("secp256k1");
    const { inputs } = await keyPairProvider.check!({ algorithm: "secp256k1" }, { algorithm: "secp256k1" });
    expect(await keyPairProvider.diff!(id, outs, inputs)).toEqual({ changes: false });
  });

  it("replaces the key only when the algorithm changes", async () => {
    const { id, outs } = await create("secp256k1");
    expect(await keyPairProvider.diff!(id, outs, { algorithm: "sm2" })).toMatchObject({ changes: true, replaces: ["algorithm"] });
  });

  it("keeps the key on an update (only the provider's code changed)", async () => {
    const { id, outs } = await create("sm2");
    expect(await keyPairProvider.update!(id, outs, { algorithm: "sm2" })).toEqual({ outs });
  });
});

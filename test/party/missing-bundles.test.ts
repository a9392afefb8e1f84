/**
 * A bundle missing from a `{ dir }` exchange after the parties converged (a USB stick carried
 * without it): the committee keeps the certificates it issued to the agency whose bundle is
 * missing (and their key pins), so that agency does not take down what it built on them; a
 * certified agency without the committee's bundle is refused, naming the file, and its state is
 * left as it is. Party modes of the program under stateful mocks (real providers).
 */
import { mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { afterAll, describe, expect, it } from "vitest";
import { createAgencyParty } from "../../components/party-agency-stack";
import { createCommittee } from "../../components/party-committee";
import { createChainAuthority } from "../../infra/crypto/chain-pki";
import { readBundle } from "../../infra/exchange/bundle";
import { assertOwnBundle, keptGenesis } from "../../infra/party/missing-bundles";
import { committeeBundleContent } from "../../infra/party/party-bundles";
import type { ExchangeSetting } from "../../infra/party/settings";
import type { Model } from "../../infra/topology/types";
import { validateTopology } from "../../infra/topology/validate";
import { runStack, stateText, unchanged } from "./stateful-mocks";

const node = (i: number) => ({ host: "server", p2pPort: 30500 + i, channelPort: 20500 + i, rpcPort: 8700 + i });
const PLAN: Model = validateTopology({
  chain: { id: 1, smCrypto: true, install: false },
  hosts: { server: { address: "127.0.0.2", connection: "local", deployDir: "/opt/fisco" } },
  agencies: { agencyA: { nodes: { node0: node(0) } }, agencyB: { nodes: { node1: node(1) } } },
  groups: { 1: { consensus: "pbft", sealers: ["node0", "node1"], timestamp: 1700000000000 } },
});
const validity = { validityDays: 3650, renewBeforeDays: 30 };
const PARTIES = ["committee", "agencyA", "agencyB"] as const;
type Party = (typeof PARTIES)[number];
const stackName = (party: Party) => `org/bcos/missing-${party}`;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("a bundle missing from the folder after the parties converged (stateful mocks)", () => {
  const bundles = mkdtempSync(path.join(tmpdir(), "bcos-missing-bundles-"));
  const outputDir = mkdtempSync(path.join(tmpdir(), "bcos-missing-bundles-out-"));
  dirs.push(bundles, outputDir);
  const exchange: ExchangeSetting = { kind: "dir", dir: bundles };
  const logs: string[] = [];
  const log = (line: string) => logs.push(line);
  const run = (party: Party) =>
    runStack(
      stackName(party),
      (party === "committee"
        ? () => createCommittee({ model: PLAN, exchange, validity, log })
        : () => createAgencyParty({ model: PLAN, agency: party, exchange, validity, outputDir, log })) as unknown as () => Promise<
        Record<string, pulumi.Input<unknown>>
      >,
    );
  const file = (party: Party) => path.join(bundles, `${party}.bundle`);
  const committeeBundle = () => readBundle(readFileSync(file("committee"), "utf8"), "committee.bundle", { party: "committee", plan: PLAN });

  it("converges first", async () => {
    for (let round = 0; round < 3; round++) for (const p of PARTIES) await run(p);
    for (const p of PARTIES) expect(unchanged(await run(p)), p).toBe(true);
    expect(Object.keys(committeeBundle().certificates)).toEqual(expect.arrayContaining(["agencyB/agency.crt", "agencyB/gmagency.crt"]));
  });

  it("without agencyB.bundle, the committee keeps agencyB's certificates and pin, still publishes them, and says it waits for the bundle", async () => {
    const before = committeeBundle().certificates;
    renameSync(file("agencyB"), `${file("agencyB")}.away`);
    const committee = await run("committee");
    expect(unchanged(committee), JSON.stringify(committee.steps)).toBe(true);
    expect(committeeBundle().certificates).toEqual(before);
    expect(committee.outputs.waitingFor).toEqual({ agencyB: ["its bundle (certificate requests, node IDs)"] });
    // So agencyB, reading the committee's bundle, keeps everything it built.
    const agencyB = await run("agencyB");
    // Only its own bundle file is written again; its certificates, keys and package stay.
    expect(Object.entries(agencyB.steps).filter(([name, step]) => step !== "same" && name !== "agencyB-bundle")).toEqual([]);
    renameSync(`${file("agencyB")}.away`, file("agencyB"));
    expect(unchanged(await run("committee"))).toBe(true);
  });

  it("without committee.bundle, a certified agency is refused naming the file, and its state is left as it is", async () => {
    renameSync(file("committee"), `${file("committee")}.away`);
    const before = stateText(stackName("agencyA"));
    await expect(run("agencyA")).rejects.toThrow(
      `agencyA: ${file("committee")} is missing, but agencyA was certified by the committee already (its own bundle carries its agency certificates)`,
    );
    expect(stateText(stackName("agencyA"))).toBe(before);
    renameSync(`${file("committee")}.away`, file("committee"));
    expect(unchanged(await run("agencyA"))).toBe(true);
  });
});

describe("the committee keeps certificates and genesis only from its own bundle", () => {
  const ours = createChainAuthority(true, validity);
  const theirs = createChainAuthority(true, validity);
  const genesis = [{ groupId: 1, timestamp: 1700000000000, sealerIds: ["a".repeat(128), "b".repeat(128)] }];
  const bundleOf = (ca: typeof ours) => committeeBundleContent({ plan: PLAN, chainCa: { gm: ca.gm!.certPem, std: ca.std.certPem }, issued: {}, genesis });
  const anchors = { gm: ours.gm!.certPem, std: ours.std.certPem };

  it("a committee.bundle signed on another chain CA's keys is refused, naming the file", () => {
    expect(() => assertOwnBundle(bundleOf(theirs), "/x/committee.bundle", anchors, "dir")).toThrow(
      "/x/committee.bundle: is not this committee's bundle (its chain CA keys are not the committee's), so the agency certificates and group genesis in it are not kept; fix: remove the file and run pulumi up again",
    );
    expect(() => assertOwnBundle(bundleOf(ours), "/x/committee.bundle", anchors, "dir")).not.toThrow();
  });

  it("the genesis of a committee.bundle on another chain CA's keys is not kept: refused, naming the file (it was taken unchecked before)", () => {
    expect(() => keptGenesis(bundleOf(theirs), "/x/committee.bundle", anchors, "dir")).toThrow(
      "/x/committee.bundle: is not this committee's bundle (its chain CA keys are not the committee's)",
    );
    expect(keptGenesis(bundleOf(ours), "/x/committee.bundle", anchors, "dir")).toEqual(genesis);
    expect(keptGenesis(undefined, "", anchors, "dir")).toEqual([]);
  });

  it("the committee's own stack output on another chain CA's keys is refused with a fix for a stack", () => {
    expect(() => keptGenesis(bundleOf(theirs), "stack org/bcos/committee output bundle", anchors, "stacks")).toThrow(
      /^stack org\/bcos\/committee output bundle: is not this committee's bundle .*; fix: restore the stack's chain CA keys/,
    );
  });
});

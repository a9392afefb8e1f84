/**
 * What `pulumi up` adopts from an import record: each certificate file with where its key sits in
 * bcos:importedKeys (none for a CA imported without its key), one SDK set per agency, every group's
 * genesis; a missing file names itself and the fix.
 */
import { describe, expect, it } from "vitest";
import { adoptionPlan } from "../../infra/import/adoption";
import type { ImportRecord } from "../../infra/import/import-record";

const record: ImportRecord = {
  source: "/chain",
  layout: "build_chain",
  files: "stacks/imported/prod",
  chain: { std: { cert: "chain/ca.crt", hasKey: false }, gm: { cert: "chain/gmca.crt", hasKey: true } },
  agencies: {
    agencyA: { std: { cert: "agencies/agencyA/agency.crt", hasKey: true }, sdk: { hostA: "agencies/agencyA/sdk/hostA", hostB: "agencies/agencyA/sdk/hostB" } },
  },
  nodes: { n0: { folder: "127.0.0.1/node0", files: "nodes/n0", nodeId: "ab".repeat(64), keys: ["gmnode", "gmennode", "origin", "channel"] } },
  groups: { "1": { genesis: "nodes/n0/conf/group.1.genesis" } },
};

const files: Record<string, string> = {
  "chain/ca.crt": "CA",
  "chain/gmca.crt": "GMCA",
  "agencies/agencyA/agency.crt": "AGENCY",
  "agencies/agencyA/sdk/hostA/sdk.crt": "SDK-A",
  "agencies/agencyA/sdk/hostB/sdk.crt": "SDK-B",
  "nodes/n0/conf/gmnode.crt": "GMNODE",
  "nodes/n0/conf/gmennode.crt": "GMENNODE",
  "nodes/n0/conf/origin_cert/node.crt": "ORIGIN",
  "nodes/n0/conf/channel_cert/node.crt": "CHANNEL",
  "nodes/n0/conf/group.1.genesis": "GENESIS",
  "nodes/n0/conf/group.1.ini": "GROUP-INI",
  "nodes/n0/config.ini": "CONFIG",
};

describe("adoptionPlan", () => {
  it("maps every recorded file to its slot and its key's place in bcos:importedKeys", () => {
    const plan = adoptionPlan(record, (rel) => files[rel]);
    expect(plan.chain).toEqual({ std: { certFile: "CA" }, gm: { certFile: "GMCA", keyPath: ["chain", "gm"] } });
    expect(plan.agencies.agencyA).toEqual({
      std: { certFile: "AGENCY", keyPath: ["agencies", "agencyA", "std"] },
      gm: undefined,
      channelCa: undefined,
      // One SDK set per agency in the topology: the first host's.
      sdkChannel: { certFile: "SDK-A", keyPath: ["agencies", "agencyA", "sdk", "hostA", "sdk"] },
    });
    expect(plan.nodes.n0).toEqual({
      gmSign: { certFile: "GMNODE", keyPath: ["nodes", "n0", "gmnode"] },
      gmEnc: { certFile: "GMENNODE", keyPath: ["nodes", "n0", "gmennode"] },
      std: { certFile: "ORIGIN", keyPath: ["nodes", "n0", "origin"] },
      channel: { certFile: "CHANNEL", keyPath: ["nodes", "n0", "channel"] },
    });
    expect(plan.groups).toEqual({ 1: "GENESIS" });
    // Where the node ran and the settings it ran with, for adopting it on its host.
    expect(plan.folders.n0).toEqual({
      folder: "127.0.0.1/node0",
      nodeId: "ab".repeat(64),
      settings: { "config.ini": "CONFIG", "conf/group.1.ini": "GROUP-INI" },
    });
  });

  it("names a missing file and the fix", () => {
    const { "nodes/n0/conf/gmnode.crt": _gone, ...rest } = files;
    expect(() => adoptionPlan(record, (rel) => rest[rel])).toThrow(/stacks\/imported\/prod\/nodes\/n0\/conf\/gmnode\.crt, which is missing; fix: restore/);
  });
});

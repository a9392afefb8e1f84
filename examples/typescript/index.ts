/**
 * A consortium declared in TypeScript: the topology is a typed object (TopologySpec gives
 * completion and catches a misspelt key at compile time), checked by validateTopology before any
 * resource is registered, and built by the Consortium component. Two agencies, three nodes on this
 * machine, one pbft group; artifacts only (chain.install: false), written under ./out/<stack>.
 */
import * as pulumi from "@pulumi/pulumi";
import { Consortium, validateTopology, type TopologySpec } from "bcos-pulumi";

const nodeOn = (index: number) => ({ host: "local", p2pPort: 30400 + index, channelPort: 20400 + index, rpcPort: 8645 + index });

const topology: TopologySpec = {
  chain: { id: 1, smCrypto: true, version: "2.11.1", install: false },
  hosts: {
    local: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/bcos-pulumi/typescript-example" },
  },
  agencies: {
    agencyA: { nodes: { node0: nodeOn(0), node1: nodeOn(1) } },
    agencyB: { nodes: { node2: nodeOn(2) } },
  },
  groups: {
    "1": { consensus: "pbft", sealers: ["node0", "node1", "node2"], timestamp: 1700000000000 },
  },
};

// Throws the validator's message (path, value, fix) on bad input; nothing is registered then.
const model = validateTopology(topology, "examples/typescript/index.ts", { installs: true });
const consortium = new Consortium("consortium", { model, outputDir: `./out/${pulumi.getStack()}` });

export const nodes = consortium.nodeSummaries;
export const agencies = consortium.agencySummaries;

/**
 * The old-state fixture (test/fixtures/old-state/): a single-stack state made by an earlier
 * commit's program, which the current program must preview with no changes. Shared by the script
 * that makes it (make-old-state.ts) and the test that loads it.
 */
import { join } from "node:path";
import * as yaml from "js-yaml";

export const OLD_STATE_DIR = join(__dirname, "..", "fixtures", "old-state");
export const OLD_STATE_STACK = "old";
/** The stack's passphrase (the rig's convention: a test's passphrase is its temp dir prefix); it guards test keys only. */
export const OLD_STATE_PASSPHRASE = "bcos-old-state-";

/**
 * Small but with every kind of resource of a stack without install: GM and standard PKI, two
 * agencies with nodes and one without, a pbft and a raft group. Packages go to a folder relative
 * to the project, so the state holds no path of the machine it was made on.
 */
export const OLD_STATE_TOPOLOGY = {
  chain: { id: 1, smCrypto: true, version: "2.11.1", install: false, certValidityDays: 36500 },
  hosts: { local: { address: "127.0.0.1", connection: "local", deployDir: "/tmp/bcos-pulumi/old-state" } },
  agencies: {
    agencyA: {
      nodes: {
        node0: { host: "local", p2pPort: 30300, channelPort: 20200, rpcPort: 8545 },
        node1: { host: "local", p2pPort: 30301, channelPort: 20201, rpcPort: 8546 },
      },
    },
    agencyB: { nodes: { node2: { host: "local", p2pPort: 30302, channelPort: 20202, rpcPort: 8547 } } },
    agencyC: {},
  },
  groups: {
    "1": { consensus: "pbft", sealers: ["node0", "node1", "node2"], timestamp: 1700000000000 },
    "2": { consensus: "raft", sealers: ["node1", "node2"], timestamp: 1700000000000 },
  },
};

/** A stack file (as `pulumi stack init` wrote it, with its encryption salt) with the fixture's config. */
export function oldStateStackFile(initial: string): string {
  const doc = (yaml.load(initial) ?? {}) as Record<string, unknown>;
  return yaml.dump({ ...doc, config: { "bcos:topology": OLD_STATE_TOPOLOGY, "bcos:outputDir": "out" } }, { lineWidth: -1 });
}

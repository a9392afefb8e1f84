/**
 * joinGroup for installed nodes: the install shipped conf/group.N.*; the step writes the group's
 * status as STOPPED when there is none, so startGroup over RPC loads it. Local hosts here (the
 * SSH path runs the same script through SshTunnel.exec).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinGroupOnHosts } from "../../infra/membership/join-group";
import { createMembershipProvider, type MembershipInputs } from "../../infra/providers/membership-provider";

let dir: string;
const nodeDir = () => path.join(dir, "it's node5");
const endpoints = () => ({ node5: { address: "127.0.0.1", rpcPort: 1, connection: { kind: "local" as const }, nodeDir: nodeDir() } });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bcos-join-group-"));
  mkdirSync(path.join(nodeDir(), "conf"), { recursive: true });
  writeFileSync(path.join(nodeDir(), "conf/group.2.genesis"), "[group]\n    id=2\n");
  writeFileSync(path.join(nodeDir(), "conf/group.2.ini"), "[consensus]\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("joinGroupOnHosts", () => {
  it("writes data/groupN/.group_status = STOPPED next to the shipped group files", async () => {
    await joinGroupOnHosts(endpoints(), {})("node5", 2);
    expect(readFileSync(path.join(nodeDir(), "data/group2/.group_status"), "utf8").trim()).toBe("STOPPED");
  });

  it("leaves a status the node wrote alone", async () => {
    writeFileSync(path.join(nodeDir(), "data/group2/.group_status"), "RUNNING");
    await joinGroupOnHosts(endpoints(), {})("node5", 2);
    expect(readFileSync(path.join(nodeDir(), "data/group2/.group_status"), "utf8")).toBe("RUNNING");
  });

  it("fails, naming the files, when the install did not ship the group", async () => {
    await expect(joinGroupOnHosts(endpoints(), {})("node5", 3)).rejects.toThrow(
      /node5: preparing group 3 on 127\.0\.0\.1 failed \(exit 3\): .*no conf\/group\.3\.genesis/,
    );
    expect(existsSync(path.join(nodeDir(), "data/group3"))).toBe(false);
  });

  it("fails when the node's folder is unknown", async () => {
    await expect(joinGroupOnHosts({ node5: { ...endpoints().node5, nodeDir: undefined } }, {})("node5", 2)).rejects.toThrow(/folder on the host is not known/);
  });
});

describe("Membership check", () => {
  it("refuses an SSH host without a pinned host key", async () => {
    const provider = createMembershipProvider({ log: () => undefined });
    const inputs: MembershipInputs = {
      groupId: 1,
      roles: { node0: "sealer" },
      genesis: {
        consensus: "pbft",
        maxTransNum: 1000,
        consensusTimeout: 3,
        gasLimit: 300000000,
        enableFreeStorage: false,
      } as unknown as MembershipInputs["genesis"],
      nodeIds: { node0: "ab".repeat(64) },
      endpoints: { node0: { address: "10.0.0.9", rpcPort: 8545, connection: { kind: "ssh", port: 22, user: "fisco", hostKey: "" } } },
      sshPrivateKeys: { "10.0.0.9": "key" },
      governanceKeyPem: "pem",
    };
    const checked = await provider.check!({}, inputs);
    expect(checked.failures?.map((f) => f.reason)).toEqual([expect.stringMatching(/^node0: host 10\.0\.0\.9 has no pinned hostKey/)]);
  });
});

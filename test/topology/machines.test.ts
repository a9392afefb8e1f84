/**
 * One machine, one port space (issue 11.8): host entries that are one machine by another spelling
 * of its address, by loopback, or by a `local` connection share the default +1 ports. The address
 * written into config files stays as the user wrote it.
 */
import { describe, expect, it } from "vitest";
import { validateTopology } from "../../infra/topology";
import { canonicalAddress } from "../../infra/topology/machines";

/** Two hosts with one node each, ports left to the defaults. */
function twoHosts(a: { address: string; connection: unknown }, b: { address: string; connection: unknown }) {
  return validateTopology({
    chain: { install: false },
    hosts: { ha: { ...a, deployDir: "/opt/fisco" }, hb: { ...b, deployDir: "/srv/fisco" } },
    agencies: { agencyA: { nodes: { n0: { host: "ha" }, n1: { host: "hb" } } } },
  });
}

const ssh = { ssh: { user: "fisco" } };
const portsOf = (model: ReturnType<typeof validateTopology>) => model.nodes.map((n) => [n.name, n.p2pPort, n.channelPort, n.rpcPort]);
const SHARED = [
  ["n0", 30300, 20200, 8545],
  ["n1", 30301, 20201, 8546],
];
const SEPARATE = [
  ["n0", 30300, 20200, 8545],
  ["n1", 30300, 20200, 8545],
];

describe("canonical addresses", () => {
  it.each([
    ["10.0.0.5", "10.0.0.5"],
    ["fd00:0::5", "fd00::5"],
    ["FD00:0000:0000:0000:0000:0000:0000:0005", "fd00::5"],
    ["::ffff:10.0.0.5", "10.0.0.5"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["Node-A.Example.com", "node-a.example.com"],
  ])("%s is %s", (address, canonical) => {
    expect(canonicalAddress(address)).toBe(canonical);
  });
});

describe("default ports count per machine", () => {
  it.each([
    ["127.0.0.1 and localhost", { address: "127.0.0.1", connection: "local" }, { address: "localhost", connection: ssh }],
    ["127.0.0.1 and ::1", { address: "127.0.0.1", connection: ssh }, { address: "::1", connection: ssh }],
    ["localhost and LOCALHOST", { address: "localhost", connection: ssh }, { address: "LOCALHOST", connection: ssh }],
    ["fd00::5 and fd00:0::5", { address: "fd00::5", connection: ssh }, { address: "fd00:0::5", connection: ssh }],
    ["10.0.0.5 and ::ffff:10.0.0.5", { address: "10.0.0.5", connection: ssh }, { address: "::ffff:10.0.0.5", connection: ssh }],
    ["two local hosts with different addresses", { address: "10.0.0.1", connection: "local" }, { address: "10.0.0.2", connection: "local" }],
    ["a local host and an SSH host at its address", { address: "10.0.0.7", connection: "local" }, { address: "10.0.0.7", connection: ssh }],
  ])("%s are one machine", (_name, a, b) => {
    expect(portsOf(twoHosts(a, b))).toEqual(SHARED);
  });

  it.each([
    ["10.0.0.5 and 10.0.0.6", { address: "10.0.0.5", connection: ssh }, { address: "10.0.0.6", connection: ssh }],
    ["fd00::5 and fd00::6", { address: "fd00::5", connection: ssh }, { address: "fd00::6", connection: ssh }],
    ["a local host and another machine", { address: "127.0.0.1", connection: "local" }, { address: "10.0.0.6", connection: ssh }],
  ])("%s are two machines", (_name, a, b) => {
    expect(portsOf(twoHosts(a, b))).toEqual(SEPARATE);
  });

  it("keeps each host's address as written (it goes into config.ini)", () => {
    const model = twoHosts({ address: "FD00:0::5", connection: ssh }, { address: "localhost", connection: ssh });
    expect(model.hosts.map((h) => h.address)).toEqual(["FD00:0::5", "localhost"]);
  });
});

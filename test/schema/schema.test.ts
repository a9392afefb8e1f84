/**
 * schema/topology.schema.json and schema/stack.schema.json against the validator, checked with a
 * JSON Schema implementation we did not write (Ajv, draft-07, strict): every stack file and valid
 * fixture passes; every invalid-topology case that is a shape error fails (the semantic ones a
 * schema cannot express are listed below with the reason); the keys the schema knows at each
 * level are exactly the validator's; and its string rules agree with the validator's on samples.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import {
  addressProblem,
  configKeyProblem,
  deployDirProblem,
  hostKeyProblem,
  nameProblem,
  sha256Problem,
  sshUserProblem,
  urlProblem,
} from "../../infra/topology/formats";
import { TopologyError } from "../../infra/topology/topology-error";
import { validateTopology } from "../../infra/topology/validate";
import { baseTopology, invalidTopologies } from "../topology/invalid-cases";

const root = join(__dirname, "..", "..");
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8")) as Record<string, any>;
const topologySchema = readJson("schema/topology.schema.json");
const stackSchema = readJson("schema/stack.schema.json");

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: true });
ajv.addSchema(topologySchema, "topology.schema.json");
const validTopology = ajv.getSchema("topology.schema.json") as ValidateFunction;
const validStack = ajv.compile(stackSchema);
/** A definition of the topology schema on its own, e.g. `address`. */
const definition = (name: string) => ajv.compile({ ...topologySchema.definitions[name], definitions: topologySchema.definitions });

const loadYaml = (path: string) => yaml.load(readFileSync(path, "utf8"), { schema: yaml.CORE_SCHEMA });
const errorsOf = (validate: ValidateFunction) => ajv.errorsText(validate.errors, { separator: "\n" });

/** Invalid cases no JSON Schema can catch: they relate one entry to another. */
const SEMANTIC: Record<string, string> = {
  "install without binary": "whether a binary is needed depends on the command: render, validate and diagram never need one, pulumi up with install does",
  "install by default without binary": "as above",
  "node name used twice": "uniqueness across different agencies' maps",
  "unknown host": "a reference to a key of hosts",
  "same p2p port twice on one address": "ports are compared across nodes on one address",
  "rpc port equal to another node's p2p port": "ports are compared across nodes on one address",
  "explicit port hits a later default": "default ports depend on the other nodes of a machine",
  "two host entries for one address": "ports are compared across hosts with one address",
  "unknown sealer": "a reference to a declared node",
  "unknown observer": "a reference to a declared node",
  "unknown free node": "a reference to a declared node",
  "sealer also observer": "uniqueness across two lists",
  "observer also free": "uniqueness across two lists",
  "epochSealerNum above sealer count": "a number compared with a list's length",
  "groups without any node": "groups compared with the agencies section",
  "whitelist entry repeated in another case": "node IDs are compared case-insensitively, uniqueItems is case-sensitive",
  "node ID in both blacklist and whitelist": "uniqueness across two lists",
  "agency whose package is another agency's SDK bundle": "agency X beside agency X-sdk: one name compared with another",
  "agency whose SDK bundle is an earlier agency's package": "as above",
  "agency names that differ only in case": "names compared with each other without case",
  "node names that differ only in case": "names compared with each other without case",
  "localhost and 127.0.0.1 as two hosts with one port": "ports are compared across hosts that spell one machine differently",
  "two spellings of one IPv6 address with one port": "ports are compared across hosts that spell one machine differently",
  "two local hosts with one port": "ports are compared across hosts that are one machine",
};

describe("schema files", () => {
  it("compile under strict draft-07 rules", () => {
    expect(topologySchema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(stackSchema.properties.config.properties["bcos:topology"].anyOf[0].$ref).toBe("topology.schema.json");
  });
});

describe("valid topologies pass", () => {
  const stacks = readdirSync(join(root, "stacks")).filter((f) => /^Pulumi\..+\.yaml$/.test(f));
  const fixtures = readdirSync(join(root, "test", "topology", "fixtures")).filter((f) => f.endsWith(".yaml"));

  it.each(stacks)("stacks/%s: the stack schema, and its bcos:topology the topology schema", (file) => {
    const document = loadYaml(join(root, "stacks", file)) as { config: Record<string, unknown> };
    expect(validStack(document), errorsOf(validStack)).toBe(true);
    const topology = document.config["bcos:topology"];
    expect(validTopology(topology), errorsOf(validTopology)).toBe(true);
    expect(() => validateTopology(topology)).not.toThrow();
  });

  it("there is at least the dev stack", () => expect(stacks).toContain("Pulumi.dev.yaml"));

  it.each(fixtures)("test/topology/fixtures/%s", (file) => {
    const topology = loadYaml(join(root, "test", "topology", "fixtures", file));
    expect(() => validateTopology(topology)).not.toThrow();
    expect(validTopology(topology), errorsOf(validTopology)).toBe(true);
  });

  it("the base of the invalid cases, and a stack file holding the topology as JSON text", () => {
    expect(validTopology(baseTopology()), errorsOf(validTopology)).toBe(true);
    expect(validStack({ config: { "bcos:topology": JSON.stringify(baseTopology()) } }), errorsOf(validStack)).toBe(true);
  });

  it("YAML's empty values where the validator reads them as not given", () => {
    const t = baseTopology();
    Object.assign(t.chain, { id: null, version: null, binary: null, smCrypto: null });
    t.hosts.remote.connection = { ssh: null };
    t.agencies.agencyC = null;
    t.agencies.agencyB.nodes.node2.p2pPort = null;
    Object.assign(t.groups["1"], { observers: null, timestamp: null, consensus: null });
    expect(() => validateTopology(t)).not.toThrow();
    expect(validTopology(t), errorsOf(validTopology)).toBe(true);
  });
});

describe("invalid topologies", () => {
  const shape = invalidTopologies.filter((c) => !(c.name in SEMANTIC));
  const semantic = invalidTopologies.filter((c) => c.name in SEMANTIC);

  it("most cases are shape errors", () => {
    expect(shape.length).toBeGreaterThan(60);
    expect(semantic.length).toBeGreaterThan(10);
  });

  it.each(shape.map((c) => [c.name, c] as const))("shape error fails the schema: %s", (_name, c) => {
    expect(validTopology(c.topology), `the schema accepts ${c.yaml}`).toBe(false);
    expect(validTopology(yaml.load(c.yaml, { schema: yaml.CORE_SCHEMA }))).toBe(false);
  });

  it.each(semantic.map((c) => [c.name, SEMANTIC[c.name], c] as const))(
    "semantic, passes the schema and only the validator refuses it: %s (%s)",
    (_name, _why, c) => {
      expect(validTopology(c.topology), errorsOf(validTopology)).toBe(true);
      expect(() => validateTopology(c.topology)).toThrow(TopologyError);
    },
  );
});

describe("the schema knows exactly the validator's keys", () => {
  type Draft = ReturnType<typeof baseTopology>;
  /** Where to put an unknown key, and the schema object that lists the keys of that level. */
  const levels: [string, (t: Draft) => Record<string, unknown>, string, Record<string, any>][] = [
    ["top level", (t) => t, "zzz", topologySchema],
    ["chain", (t) => t.chain, "chain.zzz", topologySchema.definitions.chain],
    ["chain.binary", (t) => (t.chain.binary = { path: "./fisco-bcos" }), "chain.binary.zzz", topologySchema.definitions.binary],
    ["a host", (t) => t.hosts.local, "hosts.local.zzz", topologySchema.definitions.host],
    [
      "a connection map",
      (t) => (t.hosts.remote.connection = { ssh: {} }),
      "hosts.remote.connection.zzz",
      topologySchema.definitions.host.properties.connection.anyOf[1],
    ],
    ["ssh", (t) => t.hosts.remote.connection.ssh, "hosts.remote.connection.ssh.zzz", topologySchema.definitions.ssh],
    ["an agency", (t) => t.agencies.agencyA, "agencies.agencyA.zzz", topologySchema.definitions.agency],
    ["a node", (t) => t.agencies.agencyA.nodes.node0, "agencies.agencyA.nodes.node0.zzz", topologySchema.definitions.node],
    ["a group", (t) => t.groups["1"], "groups.1.zzz", topologySchema.definitions.group],
  ];

  it.each(levels)("%s", (_level, at, path, schemaObject) => {
    const t = baseTopology();
    at(t).zzz = 1;
    let fix = "";
    try {
      validateTopology(t);
    } catch (e) {
      fix = (e as TopologyError).issues.find((i) => i.path === path)?.fix ?? "";
    }
    const known = /known keys here: ([^)]*)\)?$/.exec(fix)?.[1].split(", ");
    expect(known, `the validator's fix for ${path}: ${fix}`).toBeDefined();
    expect(Object.keys(schemaObject.properties).sort()).toEqual(known!.sort());
    expect(schemaObject.additionalProperties).toBe(false);
    expect(validTopology(t)).toBe(false);
  });
});

describe("string rules agree with the validator", () => {
  const agree = (rule: string, check: (text: string) => boolean, samples: string[]) => {
    const validate = definition(rule);
    for (const sample of samples) expect(validate(sample), `${rule}: ${JSON.stringify(sample)}`).toBe(check(sample));
  };

  it("addresses", () => {
    agree("address", (a) => addressProblem(a) === undefined, [
      "10.0.0.5",
      "127.0.0.1",
      "255.255.255.255",
      "256.0.0.1",
      "999.1.1.1",
      "01.2.3.4",
      "1.2.3.04",
      "10.0.0.5:22",
      "fd00::5",
      "FD00::5",
      "::",
      "::1",
      "1:2:3:4:5:6:7:8",
      "1:2:3:4:5:6:7:8:9",
      "1::2::3",
      "::ffff:10.0.0.5",
      "1:2:3:4:5:6:1.2.3.4",
      "fe80::1%eth0",
      "[fd00::5]",
      "fisco-a.example.com",
      "localhost",
      "a",
      "fisco_a.example.com",
      "-a.example.com",
      "a-.example.com",
      "example.123",
      "123.example",
      `${"a".repeat(63)}.com`,
      `${"a".repeat(64)}.com`,
      `${"a.".repeat(126)}ab`,
      "",
      "a..b",
      "a.b.",
    ]);
  });

  it("names, deployDir, SSH user, config key, host key, sha256, url", () => {
    agree("name", (n) => nameProblem("node", n) === undefined, [
      "node0",
      "node-1",
      "node_1",
      "7",
      "007",
      "0",
      "node.3",
      "my node",
      "a".repeat(64),
      "a".repeat(65),
      "",
    ]);
    agree("deployDir", (d) => deployDirProblem(d) === undefined, [
      "/opt/fisco",
      "/opt/fisco/",
      "/",
      "//",
      "/opt//fisco",
      "opt/fisco",
      "~/fisco",
      "/opt/my fisco",
      "/opt/fi'sco",
      "/opt/$(id)",
      "/opt/../etc",
      "/opt/./x",
      "/opt/..",
      "/opt/.hidden",
      "/opt/x..y",
      `/${"a".repeat(254)}`,
      `/${"a".repeat(255)}`,
    ]);
    const ssh = topologySchema.definitions.ssh.properties;
    const field = (schema: object) => ajv.compile(schema);
    const check = (schema: object, ok: (text: string) => boolean, samples: string[]) => {
      const validate = field(schema);
      for (const s of samples) expect(validate(s), JSON.stringify(s)).toBe(ok(s));
    };
    check(ssh.user, (u) => sshUserProblem(u) === undefined, ["fisco", "root", "_svc", "Fisco", "fisco;id", "1fisco", "a".repeat(32), "a".repeat(33)]);
    check(ssh.privateKeyConfig, (k) => configKeyProblem(k) === undefined, [
      "sshPrivateKey",
      "sshKeyA",
      "bcos:sshKeyA",
      "ssh key",
      "1key",
      "a".repeat(64),
      "a".repeat(65),
    ]);
    check(ssh.hostKey, (k) => hostKeyProblem(k) === undefined, ["ssh-ed25519 AAAAC3Nza", "AAAAC3Nza", "ssh-dss AAAA", "ssh-rsa AAAA==", "ssh-rsa AAAA== host"]);
    const binary = topologySchema.definitions.binary.properties;
    check(binary.sha256, (h) => sha256Problem(h) === undefined, ["a".repeat(64), "A".repeat(64), "a".repeat(63), "g".repeat(64)]);
    check(binary.url, (u) => urlProblem(u) === undefined, [
      "https://example.com/f.tgz",
      "http://10.0.0.5:8080/f",
      "ftp://example.com/f",
      "https://",
      "https://exa mple.com",
      "example.com/f",
    ]);
  });

  it("versions and group ids, through the validator itself", () => {
    const versionOk = (v: string) => accepts((t) => (t.chain.version = v));
    const groupOk = (id: string) => accepts((t) => (t.groups[id] = { sealers: ["node0"] }));
    const version = ajv.compile(topologySchema.definitions.chain.properties.version);
    for (const v of ["2.11.1", "2.9.0", "2.10.0", "2.8.0", "3.6.0", "2.11", "v2.11.1", "2.011.1", "2.11.01", "2.99.123"])
      expect(version(v), v).toBe(versionOk(v));
    const groupIds = ajv.compile({ type: "string", ...topologySchema.properties.groups.propertyNames });
    for (const id of ["1", "3", "9999", "10000", "29999", "32767", "32768", "40000", "0", "03", "-1", "main", "1.5"])
      expect(groupIds(id), id).toBe(groupOk(id));
  });
});

/** Whether the validator accepts the base topology after `edit`. */
function accepts(edit: (t: ReturnType<typeof baseTopology>) => unknown): boolean {
  const t = baseTopology();
  edit(t);
  try {
    validateTopology(t);
    return true;
  } catch (e) {
    if (e instanceof TopologyError) return false;
    throw e;
  }
}

/**
 * Shared by the revoked-nodes mock tests: a NodeRegistry whose previous record holds two nodes no
 * longer in the topology (one revoked by an earlier run, one leaving in this run), and readers
 * for the config.ini inside a PackageFile or an install's stdin.
 */
import { nodeRegistryProvider, type NodeRegistryInputs } from "../../infra/providers/node-registry-provider";
import { parseConfigIni } from "../../infra/fisco/parse";
import { PROVIDERS, type Registration, unwrapSecrets } from "./mock-run";
import { readTarGz } from "./tar-reader";

/** Revoked by an earlier run (in the previous record's `revoked`). */
export const SETTLED_ID = "a1".repeat(64);
/** Declared in the previous run, gone from the topology now: leaving in this run. */
export const LEAVING_ID = "b2".repeat(64);

const PREVIOUS: NodeRegistryInputs = {
  nodes: { node9: LEAVING_ID },
  known: [
    { name: "node8", nodeId: SETTLED_ID },
    { name: "node9", nodeId: LEAVING_ID },
  ],
  revoked: [SETTLED_ID],
  settled: [],
};

/** Makes the mocked NodeRegistry check against PREVIOUS, as a second run would. */
export function registryWithHistory(): void {
  PROVIDERS["pulumi-nodejs:dynamic/bcos:NodeRegistry"] = { ...nodeRegistryProvider, check: (_olds, news) => nodeRegistryProvider.check!(PREVIOUS, news) };
}

/** `crl.N` values of a config.ini text, in order. */
export function blacklistOf(configIni: string): string[] {
  return parseConfigIni(configIni).blacklist;
}

/** The files of a tar.gz (path → text). */
export const tarFiles = (archive: Buffer): Map<string, string> => new Map([...readTarGz(archive)].map(([name, entry]) => [name, entry.text]));

/** The config.ini of `node` in a command's stdin (the install script with the package in it). */
export function installedConfigIni(r: Registration, node: string): string {
  const stdin = String((unwrapSecrets(r.inputs) as { stdin: string }).stdin);
  const match = /^node_package='([A-Za-z0-9+/=]+)'$/m.exec(stdin);
  if (!match) throw new Error(`${r.name}: no node_package in stdin`);
  const text = tarFiles(Buffer.from(match[1], "base64")).get(`${node}/config.ini`);
  if (text === undefined) throw new Error(`${r.name}: no ${node}/config.ini`);
  return text;
}

/** The config.ini of `node` among a PackageFile's files. */
export function packagedConfigIni(r: Registration, agency: string, node: string): string {
  const files = (unwrapSecrets(r.inputs) as { files: { path: string; content: string }[] }).files;
  const file = files.find((f) => f.path === `${agency}/${node}/config.ini`);
  if (!file) throw new Error(`${r.name}: no ${agency}/${node}/config.ini`);
  return file.content;
}

/**
 * What an import hands to the stack, in three parts:
 *  - `bcos:imported` (plain config): where everything came from and, per CA, whether its key came
 *    along (a CA without its key can issue nothing, so changes needing a new certificate must be
 *    refused);
 *  - `bcos:importedKeys` (secret config): every private key, verbatim;
 *  - the public files, copied verbatim into a folder next to the stack file: certificates,
 *    config.ini, genesis and group ini files, node ID files. They stay out of the config because
 *    Pulumi hands the whole config to the program in one environment variable, which Linux caps
 *    at 128 KiB.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { derToPem } from "../crypto/pem";
import type { CaMaterial } from "./authority";
import type { Layout } from "./layout";
import type { CredentialRole } from "./node-folder-reader";
import type { ChainImport } from "./read-chain";
import type { SdkRole } from "./sdk-folder-reader";

/** A CA certificate (path inside `files`) and whether `bcos:importedKeys` holds its key. */
export interface CaRecord {
  cert: string;
  hasKey: boolean;
}

export interface ImportRecord {
  /** The chain folder as given to --from (informational). */
  source: string;
  layout: Layout;
  /** Project-relative folder with the public files; the paths below are inside it. */
  files: string;
  chain: { std?: CaRecord; gm?: CaRecord };
  agencies: Record<string, { std?: CaRecord; gm?: CaRecord; channelCa?: CaRecord; sdk?: Record<string, string> }>;
  nodes: Record<
    string,
    {
      /** The node folder relative to --from (it may differ from the topology name). */
      folder: string;
      /** Copy of the folder's public files (config.ini, conf/…), same relative paths. */
      files: string;
      nodeId: string;
      /** The key pairs under bcos:importedKeys.nodes.<node>. */
      keys: CredentialRole[];
      /** [p2p] entries that are no imported node (only with --allow-foreign-peers). */
      foreignPeers?: string[];
    }
  >;
  /** Per group: the genesis every member started from (a copy in `files`). */
  groups: Record<string, { genesis: string }>;
}

/** Private keys (PEM, verbatim); written to the stack file encrypted, leaf by leaf. */
export interface ImportedKeys {
  chain?: { std?: string; gm?: string };
  agencies?: Record<string, { std?: string; gm?: string; channelCa?: string; sdk?: Record<string, Partial<Record<SdkRole, string>>> }>;
  nodes: Record<string, Partial<Record<CredentialRole, string>>>;
}

export interface PublicFile {
  /** Relative to the files folder. */
  path: string;
  content: Buffer;
}

export interface ImportOutput {
  record: ImportRecord;
  keys: ImportedKeys;
  files: PublicFile[];
}

/** `filesDir` is the files folder relative to the project, as written into the record. */
export function buildImportOutput(chain: ChainImport, source: string, filesDir: string): ImportOutput {
  const files: PublicFile[] = [];
  const keys: ImportedKeys = { nodes: {} };
  const copy = (to: string, from: string) => files.push({ path: to, content: readFileSync(from) });
  const ca = (material: CaMaterial | undefined, to: string): CaRecord | undefined => {
    if (!material) return undefined;
    files.push({ path: to, content: Buffer.from(derToPem(material.cert.der, "CERTIFICATE")) });
    return { cert: to, hasKey: material.key !== undefined };
  };
  const { authority, topology } = chain;

  const record: ImportRecord = {
    source,
    layout: chain.layout,
    files: filesDir,
    chain: { std: ca(authority.std, "chain/ca.crt"), gm: ca(authority.gm, "chain/gmca.crt") },
    agencies: {},
    nodes: {},
    groups: {},
  };
  const chainKeys = { std: authority.std?.key?.text, gm: authority.gm?.key?.text };
  if (chainKeys.std || chainKeys.gm) keys.chain = chainKeys;

  for (const agency of authority.agencies) {
    const dir = `agencies/${agency.name}`;
    const entry: ImportRecord["agencies"][string] = {
      std: ca(agency.std, `${dir}/agency.crt`),
      gm: ca(agency.gm, `${dir}/gmagency.crt`),
      channelCa: ca(agency.channelCa, `${dir}/channel/ca.crt`),
    };
    const agencyKeys: NonNullable<ImportedKeys["agencies"]>[string] = {
      std: agency.std?.key?.text,
      gm: agency.gm?.key?.text,
      channelCa: agency.channelCa?.key?.text,
    };
    for (const { sdk, host } of chain.sdks.filter((s) => s.agency === agency.name)) {
      const sdkDir = `${dir}/sdk/${host}`;
      entry.sdk = { ...entry.sdk, [host]: sdkDir };
      for (const rel of sdk.publicFiles) copy(`${sdkDir}/${rel}`, path.join(sdk.dir, rel));
      agencyKeys.sdk = { ...agencyKeys.sdk, [host]: Object.fromEntries(sdk.credentials.map((c) => [c.role, c.keyText])) };
    }
    record.agencies[agency.name] = entry;
    if (Object.values(agencyKeys).some((v) => v !== undefined)) keys.agencies = { ...keys.agencies, [agency.name]: agencyKeys };
  }

  for (const node of chain.nodes) {
    const name = topology.nodeNames.get(node)!;
    const dir = `nodes/${name}`;
    for (const rel of node.publicFiles) copy(`${dir}/${rel}`, path.join(node.dir, rel));
    const credentials = Object.values(node.credentials);
    keys.nodes[name] = Object.fromEntries(credentials.map((c) => [c.role, c.keyText]));
    const foreign = chain.foreignPeers.filter((p) => p.node === node).map((p) => p.peer);
    record.nodes[name] = {
      folder: node.label,
      files: dir,
      nodeId: node.nodeId,
      keys: credentials.map((c) => c.role),
      ...(foreign.length > 0 ? { foreignPeers: foreign } : {}),
    };
  }

  for (const group of topology.model.groups) {
    const member = chain.nodes.find((n) => n.groups.some((g) => g.id === group.id))!;
    const genesis = member.groups.find((g) => g.id === group.id)!;
    record.groups[String(group.id)] = { genesis: `nodes/${topology.nodeNames.get(member)}/${genesis.genesisFile}` };
  }
  return { record, keys, files };
}

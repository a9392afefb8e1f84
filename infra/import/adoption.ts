/**
 * Where `pulumi up` finds what an import recorded, per resource slot of the Consortium: each
 * certificate file (copied verbatim into the stack's imported folder) and the place of its private
 * key in `bcos:importedKeys` (none: a CA imported as a certificate only). Pure: file reading is
 * passed in.
 */
import type { ImportRecord } from "./import-record";

export interface AdoptedSlot {
  /** The certificate file as its tool wrote it (leaf first, chain after). */
  certFile: string;
  /** Path of the private key inside `bcos:importedKeys`; absent: no key came along. */
  keyPath?: string[];
}

export interface AdoptionPlan {
  chain: { std?: AdoptedSlot; gm?: AdoptedSlot };
  agencies: Record<
    string,
    { std?: AdoptedSlot; gm?: AdoptedSlot; channelCa?: AdoptedSlot; sdkChannel?: AdoptedSlot; sdkGmSign?: AdoptedSlot; sdkGmEnc?: AdoptedSlot }
  >;
  nodes: Record<string, { std?: AdoptedSlot; gmSign?: AdoptedSlot; gmEnc?: AdoptedSlot; channel?: AdoptedSlot }>;
  /** Group id → the genesis file every member started from, verbatim. */
  groups: Record<number, string>;
  /** Per node: where it ran when imported, for adopting it where it runs (adopted-install.ts). */
  folders: Record<string, AdoptedFolder>;
}

export interface AdoptedFolder {
  /** The node folder relative to --from (`<ip>/node0`, `node_<ip>_<port>`). */
  folder: string;
  nodeId: string;
  /** The folder's config.ini and conf/group.N.ini as imported, by path inside the folder. */
  settings: Record<string, string>;
}

/** Node key roles (import-record) → the node's credential slot and its certificate file. */
const NODE_ROLES = {
  node: { slot: "std", cert: "conf/node.crt" },
  origin: { slot: "std", cert: "conf/origin_cert/node.crt" },
  gmnode: { slot: "gmSign", cert: "conf/gmnode.crt" },
  gmennode: { slot: "gmEnc", cert: "conf/gmennode.crt" },
  channel: { slot: "channel", cert: "conf/channel_cert/node.crt" },
} as const;

const SDK_ROLES = [
  { role: "sdk", slot: "sdkChannel", cert: "sdk.crt" },
  { role: "gmsdk", slot: "sdkGmSign", cert: "gm/gmsdk.crt" },
  { role: "gmensdk", slot: "sdkGmEnc", cert: "gm/gmensdk.crt" },
] as const;

/**
 * `read(rel)` returns a file of the record's `files` folder (rel inside it), or undefined when it
 * is not there.
 */
export function adoptionPlan(record: ImportRecord, read: (rel: string) => string | undefined): AdoptionPlan {
  const must = (rel: string): string => {
    const text = read(rel);
    if (text === undefined)
      throw new Error(
        `bcos:imported names ${record.files}/${rel}, which is missing; fix: restore the folder ${record.files} written by \`bcos-pulumi import\` (or import again)`,
      );
    return text;
  };
  const ca = (entry: { cert: string; hasKey: boolean } | undefined, keyPath: string[]): AdoptedSlot | undefined =>
    entry && { certFile: must(entry.cert), ...(entry.hasKey ? { keyPath } : {}) };

  const plan: AdoptionPlan = {
    chain: { std: ca(record.chain.std, ["chain", "std"]), gm: ca(record.chain.gm, ["chain", "gm"]) },
    agencies: {},
    nodes: {},
    groups: {},
    folders: {},
  };
  for (const [name, agency] of Object.entries(record.agencies)) {
    const slots: AdoptionPlan["agencies"][string] = {
      std: ca(agency.std, ["agencies", name, "std"]),
      gm: ca(agency.gm, ["agencies", name, "gm"]),
      channelCa: ca(agency.channelCa, ["agencies", name, "channelCa"]),
    };
    // The topology has one SDK set per agency: the first host's (build_chain makes one per IP).
    const [sdkHost, sdkDir] = Object.entries(agency.sdk ?? {})[0] ?? [];
    for (const { role, slot, cert } of sdkDir === undefined ? [] : SDK_ROLES) {
      const text = read(`${sdkDir}/${cert}`);
      if (text !== undefined) slots[slot] = { certFile: text, keyPath: ["agencies", name, "sdk", sdkHost!, role] };
    }
    plan.agencies[name] = slots;
  }
  for (const [name, node] of Object.entries(record.nodes)) {
    const slots: AdoptionPlan["nodes"][string] = {};
    for (const role of node.keys) {
      const { slot, cert } = NODE_ROLES[role];
      slots[slot] = { certFile: must(`${node.files}/${cert}`), keyPath: ["nodes", name, role] };
    }
    plan.nodes[name] = slots;
    const settings: Record<string, string> = { "config.ini": must(`${node.files}/config.ini`) };
    for (const id of Object.keys(record.groups)) {
      const text = read(`${node.files}/conf/group.${id}.ini`);
      if (text !== undefined) settings[`conf/group.${id}.ini`] = text;
    }
    plan.folders[name] = { folder: node.folder, nodeId: node.nodeId, settings };
  }
  for (const [id, group] of Object.entries(record.groups)) plan.groups[Number(id)] = must(group.genesis);
  return plan;
}

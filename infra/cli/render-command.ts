import { resolve } from "node:path";
import { importChainAuthority } from "../crypto/ca-import";
import { buildChainPki } from "../crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../fisco/chain-tree";
import { isEmptyOrMissing, writeFileTree } from "../fisco/file-tree";
import { loadTopologyFile } from "../topology/load";
import type { RenderArgs } from "./args";
import { installNote } from "./install-note";

/**
 * Loads and validates the topology, makes every key and certificate, renders every file, and
 * only then writes: a refusal or failure at any earlier step leaves `--out` untouched.
 */
export async function runRender(args: RenderArgs, log: (line: string) => void): Promise<void> {
  const model = loadTopologyFile(args.topology);
  const out = resolve(args.out);
  if (!args.force && !isEmptyOrMissing(out)) {
    throw new Error(
      `--out ${args.out} is not empty and may hold keys from an earlier render. ` + `Fix: choose an empty or new folder, or pass --force to replace its files.`,
    );
  }
  const ca = args.ca ? importChainAuthority(args.ca, { smCrypto: model.chain.smCrypto }) : undefined;
  log(`topology ${args.topology}: ${model.nodes.length} nodes, ${model.agencies.length} agencies, ${model.groups.length} groups`);
  const pki = await buildChainPki(model, { ca });
  const files = renderChainTree(model, pki, chooseGroupTimestamps(model, Date.now()), { includeCaKeys: !ca });
  writeFileTree(out, files);
  log(`wrote ${files.length} files to ${out}`);
  const note = installNote(model);
  if (note) log(note);
}

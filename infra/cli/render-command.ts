import { resolve } from "node:path";
import { importChainAuthority } from "../crypto/ca-import";
import { buildChainPki } from "../crypto/chain-pki";
import { chooseGroupTimestamps, renderChainTree } from "../fisco/chain-tree";
import { isEmptyOrMissing, writeFileTree } from "../fisco/file-tree";
import { loadTopologyFile } from "../topology/load";
import { parseFlags, requireFlag } from "./args";
import { installNote } from "./install-note";

export const renderUsage = `  bcos-pulumi render --topology <file.yaml> --out <dir> [--ca <dir>] [--force]
      Render every key, certificate and file of the chain into <dir>:
      <dir>/chain/, <dir>/<agency>/<node>/ and <dir>/<agency>/sdk/.
      --topology  a topology YAML file or a stack config file (stacks/Pulumi.<stack>.yaml)
      --ca        a folder with the chain CA to use instead of generating one:
                  ca.crt + ca.key (standard) and, in GM mode, gmca.crt + gmca.key
      --force     write into a non-empty <dir> (existing files are replaced)
`;

/** Also validate's: it takes a render command line with its first word changed. */
export const renderFlags = {
  topology: { type: "string" },
  out: { type: "string" },
  ca: { type: "string" },
  force: { type: "boolean" },
} as const;

/**
 * `render` after the command word. Loads and validates the topology, makes every key and
 * certificate, renders every file, and only then writes: a refusal or failure at any earlier step
 * leaves `--out` untouched.
 */
export async function runRender(argv: string[], log: (line: string) => void): Promise<void> {
  const values = parseFlags("render", argv, renderFlags);
  const topology = requireFlag(values.topology, "--topology <file.yaml>");
  const outArg = requireFlag(values.out, "--out <dir>");
  const model = loadTopologyFile(topology);
  const out = resolve(outArg);
  if (values.force !== true && !isEmptyOrMissing(out)) {
    throw new Error(
      `--out ${outArg} is not empty and may hold keys from an earlier render. ` + `Fix: choose an empty or new folder, or pass --force to replace its files.`,
    );
  }
  const ca = values.ca ? importChainAuthority(values.ca, { smCrypto: model.chain.smCrypto }) : undefined;
  log(`topology ${topology}: ${model.nodes.length} nodes, ${model.agencies.length} agencies, ${model.groups.length} groups`);
  const pki = await buildChainPki(model, { ca });
  const files = renderChainTree(model, pki, chooseGroupTimestamps(model, Date.now()), { includeCaKeys: !ca });
  writeFileTree(out, files);
  log(`wrote ${files.length} files to ${out}`);
  const note = installNote(model);
  if (note) log(note);
}

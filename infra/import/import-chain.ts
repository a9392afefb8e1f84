/**
 * `bcos-pulumi import` without the command line: check where the stack goes, read and check the
 * chain folder, then write the stack file and its public files. Any refusal comes before the
 * first write.
 */
import { refuseIfAny } from "./import-error";
import { buildImportOutput } from "./import-record";
import { PassphraseCrypter } from "./pulumi-secrets";
import { type ChainImport, readChain } from "./read-chain";
import { renderStackFile, stackTarget, writeStack } from "./stack-file";

export interface ImportChainOptions {
  from: string;
  stack: string;
  certDir?: string;
  /** address → host name. */
  hostNames: ReadonlyMap<string, string>;
  allowForeignPeers: boolean;
  /** The bcos-pulumi project (holds Pulumi.yaml). */
  projectDir: string;
  /** The stack's secrets passphrase (PULUMI_CONFIG_PASSPHRASE). */
  passphrase: string;
}

export interface ImportSummary {
  chain: ChainImport;
  stackFile: string;
  filesDir: string;
  /** How many private keys went into bcos:importedKeys. */
  keyCount: number;
}

export function importChain(options: ImportChainOptions): ImportSummary {
  const located = stackTarget(options.projectDir, options.stack);
  refuseIfAny(located.problems);
  const target = located.target!;
  const chain = readChain(options);
  const output = buildImportOutput(chain, options.from, target.filesRel);
  const crypter = new PassphraseCrypter(options.passphrase);
  const text = renderStackFile(target, { topology: chain.topology.spec, record: output.record, keys: output.keys, crypter });
  writeStack(target, text, output.files);
  return { chain, stackFile: target.stackFile, filesDir: target.filesDir, keyCount: countLeaves(output.keys) };
}

function countLeaves(value: unknown): number {
  if (typeof value === "string") return 1;
  if (typeof value !== "object" || value === null) return 0;
  return Object.values(value).reduce((sum: number, v) => sum + countLeaves(v), 0);
}

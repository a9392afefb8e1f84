/**
 * `bcos-pulumi import`: its arguments, the passphrase from the environment, and what it prints.
 * The work is infra/import/import-chain.ts.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { importChain } from "../import/import-chain";
import { parseFlags, requireFlag, UsageError } from "./args";

export const importUsage = `  bcos-pulumi import --from <dir> --stack <name> [--cert-dir <dir>] [--host <ip>=<name>]... [--allow-foreign-peers]
      Adopt a chain made by build_chain.sh 2.x (<dir>/<ip>/node<N>/) or generator (<dir>/node_<ip>_<port>/):
      writes stacks/Pulumi.<name>.yaml (topology with chain.install: false, private keys as secrets
      encrypted with PULUMI_CONFIG_PASSPHRASE) and stacks/imported/<name>/ (certificates, config.ini,
      genesis files). Refuses, writing nothing, on a folder it cannot adopt as is.
      --cert-dir             chain CA and agency certificates (and keys, if you hold them), e.g. build_chain's
                             cert/ or gmcert/ or generator's meta/ when they are not inside <dir>
      --host <ip>=<name>     the topology name of the host at <ip> (default: derived from the address)
      --allow-foreign-peers  import although config.ini lists peers that are not among the imported nodes
`;

function parseImportArgs(argv: string[]) {
  const values = parseFlags("import", argv, {
    from: { type: "string" },
    stack: { type: "string" },
    "cert-dir": { type: "string" },
    host: { type: "string", multiple: true },
    "allow-foreign-peers": { type: "boolean" },
  });
  const hostNames = new Map<string, string>();
  for (const item of values.host ?? []) {
    const eq = item.lastIndexOf("=");
    if (eq <= 0 || eq === item.length - 1) throw new UsageError(`import: --host ${item}: expected <ip>=<name>, e.g. --host 10.0.0.5=hostA`);
    const address = item.slice(0, eq);
    if (hostNames.has(address)) throw new UsageError(`import: --host ${address} is given twice`);
    hostNames.set(address, item.slice(eq + 1));
  }
  return {
    from: requireFlag(values.from, "--from <dir>", "import"),
    stack: requireFlag(values.stack, "--stack <name>", "import"),
    certDir: values["cert-dir"],
    hostNames,
    allowForeignPeers: values["allow-foreign-peers"] === true,
  };
}

/** The passphrase the pulumi CLI will use for this stack (same variables, same precedence). */
function passphraseFrom(env: NodeJS.ProcessEnv): string {
  const fix = "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to the passphrase the stack will use; it encrypts the imported private keys";
  let phrase = env.PULUMI_CONFIG_PASSPHRASE;
  if (phrase === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    try {
      phrase = readFileSync(path.resolve(env.PULUMI_CONFIG_PASSPHRASE_FILE), "utf8").trim();
    } catch (e) {
      throw new Error(`PULUMI_CONFIG_PASSPHRASE_FILE cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: ${fix}.`);
    }
  }
  if (!phrase) throw new Error(`no passphrase: an empty one would leave the keys readable by anyone with the stack file. Fix: ${fix}.`);
  return phrase;
}

/** `import` after the command word. Refusals throw (main prints them and exits 1, or 2 for a UsageError). */
export function runImportCommand(argv: string[], log: (line: string) => void, env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): void {
  const args = parseImportArgs(argv);
  const summary = importChain({ ...args, projectDir, passphrase: passphraseFrom(env) });
  const { chain } = summary;
  const { model } = chain.topology;
  for (const warning of chain.warnings) log(`warning: ${warning}`);
  for (const { node, peer } of chain.foreignPeers) log(`warning: ${node.label}/config.ini lists ${peer}, no imported node (kept: --allow-foreign-peers)`);
  const missingCaKeys = [chain.authority.gm, chain.authority.std, ...chain.authority.agencies.flatMap((a) => [a.gm, a.std])].filter((m) => m && !m.key).length;
  log(
    `imported ${chain.from} (${chain.layout}): ${model.nodes.length} nodes, ${model.agencies.length} agencies, ` +
      `groups ${model.groups.map((g) => g.id).join(", ") || "none"}, ${summary.keyCount} private keys as secrets`,
  );
  if (missingCaKeys > 0)
    log(`note: ${missingCaKeys} CA certificate(s) came without their key: imported as certificates only, so this stack cannot issue certificates under them`);
  log(`wrote ${path.relative(projectDir, summary.stackFile)} and ${path.relative(projectDir, summary.filesDir)}/`);
  log(`next: pulumi stack init ${args.stack} (same PULUMI_CONFIG_PASSPHRASE), then review the hosts' deployDir and connection`);
}

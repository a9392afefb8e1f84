import { parseArgs } from "node:util";

export interface RenderArgs {
  command: "render";
  topology: string;
  out: string;
  ca?: string;
  force: boolean;
}

export interface ValidateArgs {
  command: "validate";
  topology: string;
}

export interface HelpArgs {
  command: "help";
}

export type CliArgs = RenderArgs | ValidateArgs | HelpArgs;

export const usage = `Usage:
  bcos-pulumi render --topology <file.yaml> --out <dir> [--ca <dir>] [--force]
      Render every key, certificate and file of the chain into <dir>:
      <dir>/chain/, <dir>/<agency>/<node>/ and <dir>/<agency>/sdk/.
      --topology  a topology YAML file or a stack config file (stacks/Pulumi.<stack>.yaml)
      --ca        a folder with the chain CA to use instead of generating one:
                  ca.crt + ca.key (standard) and, in GM mode, gmca.crt + gmca.key
      --force     write into a non-empty <dir> (existing files are replaced)
  bcos-pulumi validate --topology <file.yaml>
      Check a topology and print a summary; writes nothing.
  Neither command needs chain.binary: only pulumi up installs nodes.
`;

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with a message that says what to type instead. */
export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    return { command: "help" };
  }
  const { values } = parse(rest, command);
  const topology = requireString(values.topology, "--topology <file.yaml>");
  if (command === "validate") return { command, topology };
  if (command === "render") {
    return {
      command,
      topology,
      out: requireString(values.out, "--out <dir>"),
      ca: typeof values.ca === "string" ? values.ca : undefined,
      force: values.force === true,
    };
  }
  throw new UsageError(`unknown command "${command}": use "render" or "validate"`);
}

function parse(rest: string[], command: string) {
  try {
    return parseArgs({
      args: rest,
      options: {
        topology: { type: "string" },
        out: { type: "string" },
        ca: { type: "string" },
        force: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

function requireString(value: unknown, flag: string): string {
  if (typeof value !== "string" || value === "") throw new UsageError(`missing ${flag}`);
  return value;
}

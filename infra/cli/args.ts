import { type ParseArgsConfig, parseArgs } from "node:util";

/** A command line the user must fix: main prints the message with the usage and exits 2. */
export class UsageError extends Error {}

type Flags = NonNullable<ParseArgsConfig["options"]>;
type FlagsConfig<F extends Flags> = { args: string[]; options: F; strict: true; allowPositionals: false };
/** Named so the library build can declare parseFlags (parseArgs' own result types are not exported). */
export type ParsedFlags<F extends Flags> = ReturnType<typeof parseArgs<FlagsConfig<F>>>["values"];

/**
 * A command's arguments (after the command word) as named flags only; an unknown flag, a
 * positional or a flag's missing value is a UsageError naming the command.
 */
export function parseFlags<F extends Flags>(command: string, argv: string[], flags: F): ParsedFlags<F> {
  try {
    return parseArgs({ args: argv, options: flags, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/**
 * A string flag's value; a UsageError `missing <flag>` when it is absent or empty. `command`
 * prefixes the message as the command's other refusals do (render's and validate's have none).
 */
export function requireFlag(value: string | undefined, flag: string, command?: string): string {
  if (value === undefined || value === "") throw new UsageError(`${command ? `${command}: ` : ""}missing ${flag}`);
  return value;
}

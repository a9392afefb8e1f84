/**
 * The one error `import` throws when it refuses a chain folder. It carries every problem found
 * (file, what is wrong, the fix), so an operator repairs a folder in one round; nothing has been
 * written when it is thrown.
 */

export interface ImportProblem {
  /** The file or folder the problem is in, as the operator knows it (relative to --from when inside it). */
  file: string;
  problem: string;
  fix: string;
}

export function formatProblem(p: ImportProblem): string {
  return `${p.file}: ${p.problem}. Fix: ${p.fix}.`;
}

export class ImportError extends Error {
  readonly problems: readonly ImportProblem[];

  constructor(problems: readonly ImportProblem[]) {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    super([`Import refused (${count}); nothing was written:`, ...problems.map(formatProblem)].join("\n"));
    this.name = "ImportError";
    this.problems = problems;
  }
}

/** Throws an ImportError when `problems` is not empty. */
export function refuseIfAny(problems: readonly ImportProblem[]): void {
  if (problems.length > 0) throw new ImportError(problems);
}

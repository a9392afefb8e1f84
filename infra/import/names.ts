/**
 * Topology names for what the chain folder names by address, folder or certificate CN. Topology
 * names allow only [A-Za-z0-9_-] (they become folder names and reach shell commands), so anything
 * else is replaced; a clash gets a numeric suffix.
 */
import { nameProblem, type NameKind } from "../topology/formats";

export function safeName(kind: NameKind, text: string): string {
  let name = text.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 60);
  if (name === "") name = kind;
  // A plain number is not a valid name (maps reorder such keys).
  if (nameProblem(kind, name)) name = `${kind}${name}`.slice(0, 60);
  return name;
}

/** Gives each wanted name out once: the second "node0" becomes "node0_2". */
export class NameBook {
  private readonly taken = new Set<string>();

  claim(name: string): string {
    let candidate = name;
    for (let i = 2; this.taken.has(candidate); i++) candidate = `${name}_${i}`;
    this.taken.add(candidate);
    return candidate;
  }
}

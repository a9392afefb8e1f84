/**
 * Names the topology may not use because something else already owns them: members every
 * JavaScript object has (as keys they read or replace inherited members), and names that the
 * output layout uses beside agency and node folders. Layout names compare without case, because
 * a rendered tree may be written to a case-insensitive file system (macOS, Windows).
 */
import type { NameKind } from "./formats";

export interface ReservedName {
  name: string;
  /** What already sits at that place, completing "… is reserved: <why>". */
  why: string;
}

/** The layouts: infra/fisco/chain-tree.ts (`<out>/chain/`, `<out>/<agency>/sdk/`), the hosts'
 *  `<deployDir>/fisco-bcos` (infra/remote/sh), and `bcos:party` (committee or an agency name). */
const LAYOUT: Readonly<Record<NameKind, readonly ReservedName[]>> = {
  agency: [
    { name: "chain", why: "render writes the chain CA and its keys to <out>/chain/, where this agency's folder would go" },
    { name: "committee", why: "bcos:party: committee names the committee's stack, so this agency could not be named as a party" },
  ],
  node: [
    { name: "sdk", why: "each agency's SDK folder is <agency>/sdk/, where this node's folder would go" },
    { name: "fisco-bcos", why: "the node binary is <deployDir>/fisco-bcos, where this node's folder would go" },
  ],
  host: [],
};

/** Keys every plain object has (`__proto__`, `constructor`, `toString`, …) plus `prototype`. */
function isObjectMember(name: string): boolean {
  return name === "prototype" || name in Object.prototype;
}

/** Why `name` cannot be used for a `kind`, or undefined when it is free. */
export function reservedName(kind: NameKind, name: string): ReservedName | undefined {
  if (isObjectMember(name)) {
    return { name, why: "every JavaScript object already has a member of that name, so maps keyed by names would lose or mix up this entry" };
  }
  const lower = name.toLowerCase();
  return LAYOUT[kind].find((r) => r.name === lower);
}

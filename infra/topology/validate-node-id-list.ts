/**
 * `chain.certificateBlacklist` / `chain.certificateWhitelist`: node IDs written into every node's
 * `[certificate_blacklist] crl.N` / `[certificate_whitelist] cal.N`. The node upper-cases entries
 * before comparing and silently skips malformed whitelist entries, so a typo would quietly weaken
 * the list: we refuse it here instead, and store IDs lower-case like every node ID in our files.
 */
import { isNodeId } from "../fisco/node-id";
import { Checker, itemPath } from "./checker";

const EXAMPLE = "<128 hex characters from the node's node.nodeid or gmnode.nodeid>";

function idProblem(text: string): { message: string; fix: string } | undefined {
  if (/^0x/i.test(text)) return { message: "must not start with 0x", fix: "drop the 0x prefix: node IDs are written as bare hex" };
  if (!/^[0-9a-fA-F]*$/.test(text)) return { message: "must be hexadecimal (0-9, a-f)", fix: `copy the ID exactly: ${EXAMPLE}` };
  if (text.length !== 128) {
    return { message: `must be 128 hex characters, not ${text.length}`, fix: `copy the whole ID: ${EXAMPLE}` };
  }
  if (!isNodeId(text.toLowerCase())) return { message: "is all zeros, which is no node's ID", fix: `write a real node ID: ${EXAMPLE}` };
  return undefined;
}

/** The list's valid IDs, lower-case and in the given order; every bad or repeated entry is reported. */
export function readNodeIdList(c: Checker, value: unknown, path: string): string[] {
  const items = c.stringList(value, path, `"${EXAMPLE}"`) ?? [];
  const ids: string[] = [];
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    if (item === undefined) return;
    const at = itemPath(path, i);
    const problem = idProblem(item);
    if (problem) return c.report(at, item, problem.message, problem.fix);
    const id = item.toLowerCase();
    const earlier = firstIndex.get(id);
    // The node compares IDs case-insensitively, so an upper-case copy is the same entry.
    if (earlier !== undefined) return c.report(at, item, `repeats ${itemPath(path, earlier)}`, "list each node ID once");
    firstIndex.set(id, i);
    ids.push(id);
  });
  return ids;
}

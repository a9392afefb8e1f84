/** FISCO node IDs: the 64-byte public point X||Y as 128 lower-case hex characters. */

const NODE_ID_RE = /^[0-9a-f]{128}$/;

export function isNodeId(text: string): boolean {
  return NODE_ID_RE.test(text) && !/^0+$/.test(text);
}

/** Throws unless `id` is a node ID in the canonical form our files use. */
export function assertNodeId(id: string, what: string): void {
  if (!isNodeId(id)) throw new Error(`${what} is not a node ID (128 lower-case hex, not all zero): ${JSON.stringify(id)}`);
}

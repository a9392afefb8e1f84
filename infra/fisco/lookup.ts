/**
 * Name lookups into the model and the PKI. The model is validated upstream, so a miss here means
 * the model and the PKI were built from different topologies; the errors say which name is missing.
 */
import type { AgencyPki, ChainPki, NodePki } from "../crypto/types";
import type { Host, Model, Node } from "../topology/types";

export function modelNode(model: Model, name: string): Node {
  const node = model.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`node ${name} is not in the model`);
  return node;
}

export function modelHost(model: Model, name: string): Host {
  const host = model.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`host ${name} is not in the model`);
  return host;
}

export function nodePki(pki: ChainPki, name: string): NodePki {
  const found = pki.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no key material for node ${name}`);
  return found;
}

export function agencyPki(pki: ChainPki, name: string): AgencyPki {
  const found = pki.agencies.find((a) => a.name === name);
  if (!found) throw new Error(`no key material for agency ${name}`);
  return found;
}

/** For the GM-only optional members of the PKI types: present in GM mode or the PKI is incomplete. */
export function requireGm<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`GM mode needs ${what}, which the PKI does not have`);
  return value;
}

/** For the RSA channel members of the PKI types: present when the chain has the RSA channel. */
export function requireRsa<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the RSA channel (chain.rsaCryptoChannel) needs ${what}, which the PKI does not have`);
  return value;
}

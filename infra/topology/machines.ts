/**
 * Which host entries are one machine. P2P and channel ports bind the wildcard address and JSON-RPC
 * binds 127.0.0.1, so all addresses of a machine share one port space: the ports of nodes on one
 * machine must differ, and the default +1 ports count across every host entry for it.
 */
import { isIPv4, isIPv6 } from "node:net";
import type { Host } from "./types";

/** The machine key of the machine the program runs on. */
export const THIS_MACHINE = "this machine";

/** `::ffff:7f00:1` (URL's spelling of `::ffff:127.0.0.1`) as dotted IPv4, else undefined. */
function mappedIPv4(v6: string): string | undefined {
  const match = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!match) return undefined;
  const [high, low] = [parseInt(match[1], 16), parseInt(match[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

/**
 * One spelling per address, so two spellings of one address are seen as one: IPv4 as dotted
 * decimal, IPv6 compressed and lower case (an IPv4-mapped one as its IPv4 address), names lower
 * case. Input is an address that passed `addressProblem`.
 */
export function canonicalAddress(address: string): string {
  if (isIPv4(address)) return address;
  if (isIPv6(address)) {
    const v6 = new URL(`http://[${address}]/`).hostname.slice(1, -1);
    return mappedIPv4(v6) ?? v6;
  }
  return address.toLowerCase();
}

/** Loopback: 127.0.0.0/8, ::1 and `localhost` (with its subdomains, RFC 6761). */
function isLoopback(canonical: string): boolean {
  return canonical.startsWith("127.") || canonical === "::1" || canonical === "localhost" || canonical.endsWith(".localhost");
}

/**
 * Host name → machine key. Every `local` host is this machine, and so is every loopback address
 * and every address a `local` host has; other hosts are their canonical address. (Two DNS names
 * for one machine cannot be told apart here.)
 */
export function machinesOf(hosts: readonly Host[]): Map<string, string> {
  const localAddresses = new Set(hosts.filter((h) => h.connection.kind === "local").map((h) => canonicalAddress(h.address)));
  return new Map(
    hosts.map((h) => {
      const address = canonicalAddress(h.address);
      const here = h.connection.kind === "local" || isLoopback(address) || localAddresses.has(address);
      return [h.name, here ? THIS_MACHINE : address];
    }),
  );
}

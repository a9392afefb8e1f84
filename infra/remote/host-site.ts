/**
 * Where a node's files live, independent of what the topology calls the host: the machine (SSH
 * address and port, or this machine for a `local` host) and the folder (deployDir). Renaming a
 * host changes no site, so nothing on the host changes; a different site is another place, and
 * moving a node there is a migration (see infra/providers/hosted-nodes-provider.ts).
 */
import { isIPv6 } from "node:net";
import { canonicalAddress } from "../topology/machines";
import type { Host } from "../topology/types";

export interface HostSite {
  /** `local`, or `<address>:<port>` (IPv6 in brackets) as SSH reaches the machine. */
  machine: string;
  deployDir: string;
  /** `<machine> <deployDir>`: equal keys, same place. */
  key: string;
  /** The key in a form a resource name can hold (no `::`), for per-site resource names. */
  label: string;
}

/** The SSH machine of a host: `<address>:<port>`; `local` for this machine. */
export function hostMachine(host: Host): string {
  if (host.connection.kind === "local") return "local";
  const address = canonicalAddress(host.address);
  return `${isIPv6(address) ? `[${address}]` : address}:${host.connection.port}`;
}

export function hostSite(host: Host): HostSite {
  const machine = hostMachine(host);
  const key = `${machine} ${host.deployDir}`;
  return { machine, deployDir: host.deployDir, key, label: `${machine.replace(/[[\]]/g, "").replace(/:/g, "-")}${host.deployDir}` };
}

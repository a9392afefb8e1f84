/**
 * What an agency stack installs (pure): its own nodes only, on its own hosts as its copy of the
 * topology describes them (SSH user, key, deployDir may differ from the committee's plan, which
 * needs only the p2p endpoints). Other agencies' nodes may run in the same deployDir: the
 * install never names them, so it writes, starts, restarts and removes none of their folders,
 * and orders restarts only among this agency's nodes.
 */
import type { Model } from "../topology/types";

/**
 * The agency's copy narrowed to its own nodes and the hosts they are on. Groups stay whole: the
 * rolling order (rolling-order.ts) skips nodes not in the model, and memberships read the roles.
 */
export function agencyInstallModel(copy: Model, agency: string): Model {
  const nodes = copy.nodes.filter((n) => n.agency === agency);
  const hosts = copy.hosts.filter((h) => nodes.some((n) => n.host === h.name));
  return {
    ...copy,
    hosts,
    agencies: copy.agencies.filter((a) => a.name === agency),
    nodes,
  };
}

import * as pulumi from "@pulumi/pulumi";
import { TopologyError } from "../infra/topology/topology-error";

/**
 * Runs `read` (reading and checking stack settings); a TopologyError leaves as a Pulumi RunError,
 * which the engine prints as its message alone: the path, value and fix, without a stack trace
 * that would bury them. Other errors are bugs and keep theirs.
 */
export function readingStackSettings<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof TopologyError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

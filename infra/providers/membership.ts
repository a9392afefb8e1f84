import * as pulumi from "@pulumi/pulumi";
import type { DeclaredRole, EndpointDescriptor } from "../membership/types";
import type { GenesisParams } from "../topology/types";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface MembershipArgs {
  groupId: pulumi.Input<number>;
  /** Node name → sealer | observer | free; nodes left out are no members and stop running the group. */
  roles: pulumi.Input<Record<string, pulumi.Input<DeclaredRole>>>;
  genesis: pulumi.Input<GenesisParams>;
  /** Genesis timestamp (ms) used when the group does not exist on the chain yet. */
  timestamp?: pulumi.Input<number>;
  /** Node IDs of the sealers frozen in the group's genesis: a group that does not exist on the chain yet is generated with exactly these. */
  genesisSealerIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Node name → node ID, for every node that may appear in the group. */
  nodeIds: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Node name → how to reach its RPC port (directly or through SSH to its host). */
  endpoints: pulumi.Input<Record<string, pulumi.Input<EndpointDescriptor>>>;
  /** Host address → SSH private key; kept secret. */
  sshPrivateKeys: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The governance account's SM2 private key (PEM); kept secret. */
  governanceKeyPem: pulumi.Input<string>;
}

export interface MembershipOutputs {
  groupId: number;
  /** As the chain reports them after the last up or refresh. */
  roles: Record<string, DeclaredRole>;
}

/**
 * The roles of one group's members on the running chain. `pulumi up` applies the declared roles
 * with quorum-safe membership transactions; `pulumi refresh` reads them back, so a change made by
 * hand shows as drift.
 */
export class Membership extends dynamicResourceClass<MembershipArgs, MembershipOutputs>({
  type: "Membership",
  provider: ["infra/providers/membership-provider.ts", "membershipProvider"],
  secretArgs: ["sshPrivateKeys", "governanceKeyPem"],
  secretOutputs: ["sshPrivateKeys", "governanceKeyPem"],
}) {}

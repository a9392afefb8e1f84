import * as pulumi from "@pulumi/pulumi";
import type { GenesisParams } from "../topology/types";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface GroupGenesisArgs {
  /** The group id (1..32767). */
  groupId: pulumi.Input<number>;
  /** Consensus parameters; frozen at creation, a later change is refused. */
  params: pulumi.Input<GenesisParams>;
  /** Node IDs of the sealers at creation; later edits are membership changes, not genesis edits. */
  sealerIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Pinned genesis timestamp in ms; omit to take the time of creation. */
  timestamp?: pulumi.Input<number>;
  /** The chain's supported_version. */
  version: pulumi.Input<string>;
  /** An existing genesis file (verbatim) to freeze instead of rendering one. */
  adoptGenesis?: pulumi.Input<string>;
}

export interface GroupGenesisOutputs {
  /** The exact file text. */
  genesis: string;
  timestamp: number;
  /** The initial sealer set, as frozen. */
  sealerIds: string[];
}

/** A group's `group.N.genesis`, rendered once and kept in state for every present and future member. */
export class GroupGenesis extends dynamicResourceClass<GroupGenesisArgs, GroupGenesisOutputs>({
  type: "GroupGenesis",
  provider: ["infra/providers/group-genesis-provider.ts", "groupGenesisProvider"],
  computed: ["genesis"],
}) {}

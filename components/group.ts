import * as pulumi from "@pulumi/pulumi";
import { GroupGenesis } from "../infra/providers/group-genesis";
import type { GenesisParams } from "../infra/topology/types";

export interface GroupArgs {
  /** The group id, 1..32767. */
  groupId: number;
  /** Consensus parameters: frozen into the genesis at creation. */
  params: GenesisParams;
  /** IDs of the declared sealers; only the set at creation enters the genesis. */
  sealerIds: pulumi.Input<string>[];
  /** Pinned genesis timestamp in ms; omit to take the time the group is first created. */
  timestamp?: number;
  /** The chain's supported_version. */
  version: string;
  /** An imported genesis file to freeze as it is. */
  adoptGenesis?: string;
}

/**
 * A group. Its genesis is fixed when the group is first created and shipped unchanged to every
 * member, present or future; later sealer/observer/free edits are membership changes on the
 * running chain and never touch it.
 */
export class Group extends pulumi.ComponentResource {
  readonly groupId: pulumi.Output<number>;
  /** The exact text of `conf/group.N.genesis`. */
  readonly genesis: pulumi.Output<string>;
  /** Genesis timestamp in ms. */
  readonly timestamp: pulumi.Output<number>;
  /** Node IDs of the initial sealers as frozen in the genesis (not the declared ones after a later edit). */
  readonly sealerIds: pulumi.Output<string[]>;

  constructor(name: string, args: GroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bcos:index:Group", name, {}, opts);
    const genesis = new GroupGenesis(
      `${name}-genesis`,
      {
        groupId: args.groupId,
        params: args.params,
        sealerIds: args.sealerIds,
        timestamp: args.timestamp,
        version: args.version,
        adoptGenesis: args.adoptGenesis,
      },
      { parent: this },
    );
    this.groupId = pulumi.output(args.groupId);
    this.genesis = genesis.genesis;
    this.timestamp = genesis.timestamp;
    this.sealerIds = genesis.sealerIds;
    this.registerOutputs({ groupId: this.groupId, genesis: this.genesis, timestamp: this.timestamp, sealerIds: this.sealerIds });
  }
}

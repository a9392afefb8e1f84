/**
 * Group memberships on the running chain (chain.install): the stack's governance account and one
 * Membership per group, applied after every node is installed (and so running the groups its
 * package declares).
 */
import * as pulumi from "@pulumi/pulumi";
import { KeyPair } from "../../infra/providers/key-pair";
import { Membership } from "../../infra/providers/membership";
import type { DeclaredRole, EndpointDescriptor } from "../../infra/membership/types";
import { nodeDir } from "../../infra/topology/node-folder";
import type { Model } from "../../infra/topology/types";
import type { Group } from "../group";
import type { NodeInstall } from "../node-install";

/** The account that signs membership transactions, made once per stack and kept in state only: nothing on hosts to undo. */
export function createGovernanceKey(model: Model, parent: pulumi.Resource): KeyPair {
  return new KeyPair("governance-key", { algorithm: model.chain.smCrypto ? "sm2" : "secp256k1" }, { parent, retainOnDelete: true });
}

export interface MembershipArgs {
  install: NodeInstall;
  governanceKey: KeyPair;
  /** Node name → node ID, for every node that may appear in a group. */
  nodeIds: Record<string, pulumi.Input<string>>;
  /** The groups' frozen genesis (its timestamp and sealers): a group not on the chain yet is generated from it. */
  groups: Record<number, Group>;
}

/**
 * Per node: its RPC endpoint (directly on a local host, through SSH with the host's pinned key
 * otherwise) and folder; per SSH host address its login key (a secret).
 */
export function membershipEndpoints(
  model: Model,
  install: NodeInstall,
): { endpoints: Record<string, pulumi.Output<EndpointDescriptor>>; sshPrivateKeys: Record<string, pulumi.Output<string>> } {
  const config = new pulumi.Config("bcos");
  const hosts = new Map(model.hosts.map((h) => [h.name, h]));
  const endpoints: Record<string, pulumi.Output<EndpointDescriptor>> = {};
  const sshPrivateKeys: Record<string, pulumi.Output<string>> = {};
  for (const node of model.nodes) {
    const host = hosts.get(node.host)!;
    const c = host.connection;
    // The topology's pinned key, else the one the install trusted on first use; with neither the
    // Membership's check refuses the host (governance transactions go only to a known host key).
    const hostKey = pulumi.output(c.kind === "ssh" ? (c.hostKey ?? install.hostKeys[host.name]?.hostKey ?? "") : "");
    endpoints[node.name] = hostKey.apply(
      (key): EndpointDescriptor => ({
        address: host.address,
        rpcPort: node.rpcPort,
        connection: c.kind === "local" ? { kind: "local" } : { kind: "ssh", port: c.port, user: c.user, hostKey: key },
        nodeDir: nodeDir(host.deployDir, node),
      }),
    );
    if (c.kind === "ssh" && !sshPrivateKeys[host.address]) sshPrivateKeys[host.address] = config.requireSecret(c.privateKeyConfig);
  }
  return { endpoints, sshPrivateKeys };
}

/** Node name → the role the topology declares for it in `group`. */
export function declaredRoles(group: Model["groups"][number]): Record<string, DeclaredRole> {
  const roles: Record<string, DeclaredRole> = {};
  for (const n of group.sealers) roles[n] = "sealer";
  for (const n of group.observers) roles[n] = "observer";
  for (const n of group.free) roles[n] = "free";
  return roles;
}

/** One Membership per group, parented to its Group, after every node install. */
export function createMemberships(model: Model, args: MembershipArgs): Record<number, Membership> {
  const { endpoints, sshPrivateKeys } = membershipEndpoints(model, args.install);
  const installs = Object.values(args.install.nodes);
  const memberships: Record<number, Membership> = {};
  for (const group of model.groups) {
    const owner = args.groups[group.id];
    memberships[group.id] = new Membership(
      `group-${group.id}-membership`,
      {
        groupId: group.id,
        roles: declaredRoles(group),
        genesis: group.genesis,
        timestamp: owner.timestamp,
        genesisSealerIds: owner.sealerIds,
        nodeIds: args.nodeIds,
        endpoints,
        sshPrivateKeys,
        governanceKeyPem: args.governanceKey.privateKeyPem,
      },
      // Dropping a Membership changes nothing on the chain: kept out of the preview's deletions.
      // Groups sharing a node change one after another (NodeInstall.membershipOrder).
      {
        parent: owner,
        dependsOn: args.install.membershipOrder().apply((o) => [...installs, ...o.get(group.id)!.map((id) => memberships[id])]),
        retainOnDelete: true,
      },
    );
  }
  return memberships;
}

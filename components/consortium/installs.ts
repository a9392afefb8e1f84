/**
 * The nodes on their hosts (chain.install): the install, the record of where they live, and the
 * removal of nodes that left the topology, which runs after the membership changes.
 */
import * as pulumi from "@pulumi/pulumi";
import { HostedNodes } from "../../infra/providers/hosted-nodes";
import type { PlacedNode } from "../../infra/providers/hosted-nodes-provider";
import type { NodeAdoption } from "../../infra/import/adopted-install";
import { NodeRemoval } from "../../infra/providers/node-removal";
import { hostSite } from "../../infra/remote";
import type { Model } from "../../infra/topology/types";
import { NodeInstall } from "../node-install";

export interface Installed {
  install: NodeInstall;
  hostedNodes: HostedNodes;
}

export interface InstallArgs {
  /** Per node: its folder as base64 tar.gz (see nodePackages). */
  packages: Record<string, pulumi.Input<string>>;
  healthTimeoutSeconds?: number;
  /** `<project>/<stack>` (see stackOwner). */
  owner: string;
  movedNodes?: string[];
  nodeIds: Record<string, pulumi.Input<string>>;
  /** An imported stack's nodes: adopted where they run (infra/import/adopted-install.ts). */
  adopted?: Record<string, NodeAdoption>;
  /** An agency stack: see NodeInstallArgs.party. */
  party?: string;
}

/** Node folders carry this in their marker: installs and removals act only on their own. */
export const stackOwner = (): string => `${pulumi.getProject()}/${pulumi.getStack()}`;

/** NodeInstall, and the HostedNodes record it asks for once its host keys exist; both parented to the consortium. */
export function createInstall(name: string, model: Model, args: InstallArgs, parent: pulumi.Resource): Installed {
  let hostedNodes: HostedNodes | undefined;
  const install = new NodeInstall(
    "install",
    {
      model,
      packages: args.packages,
      healthTimeoutSeconds: args.healthTimeoutSeconds,
      owner: args.owner,
      movedNodes: args.movedNodes,
      adopted: args.adopted,
      ...(args.party !== undefined ? { party: args.party } : {}),
      recordPlacement: (made) => {
        hostedNodes = recordHostedNodes(name, model, args.owner, args.movedNodes ?? [], args.nodeIds, made, parent);
        return hostedNodes.seen;
      },
    },
    // A component: nothing to undo; marked so that turning install off previews only [retain] deletions.
    { parent, retainOnDelete: true },
  );
  if (!hostedNodes) throw new Error("NodeInstall did not record the nodes' placement");
  return { install, hostedNodes };
}

/** Removes the nodes that left the topology once `after` (the membership changes and installs) are done. */
export function createNodeRemoval(name: string, owner: string, hosted: HostedNodes, after: pulumi.Resource[], parent: pulumi.Resource): NodeRemoval {
  return new NodeRemoval(
    `${name}-node-removal`,
    { owner, departed: hosted.departed, sshPrivateKeys: hosted.sshPrivateKeys },
    { parent, retainOnDelete: true, dependsOn: after },
  );
}

/**
 * The HostedNodes record: with chain.install every node's site (machine and deployDir, never
 * the host's name), how to reach it (the host key pinned or trusted on first use), its node ID
 * and the groups it is declared in; without (no `install`), nothing: the record then forgets the
 * hosts instead of being deleted, which would remove the nodes.
 */
export function recordHostedNodes(
  name: string,
  model: Model,
  owner: string,
  moved: string[],
  nodeIds: Record<string, pulumi.Input<string>>,
  install: NodeInstall | undefined,
  parent: pulumi.Resource,
): HostedNodes {
  const config = new pulumi.Config("bcos");
  const nodes: Record<string, pulumi.Output<PlacedNode>> = {};
  const sshPrivateKeys: Record<string, pulumi.Output<string>> = {};
  for (const node of install ? model.nodes.filter((n) => nodeIds[n.name]) : []) {
    const host = model.hosts.find((h) => h.name === node.host)!;
    const c = host.connection;
    nodes[node.name] = pulumi.output({
      site: hostSite(host).key,
      deployDir: host.deployDir,
      // Only a node whose folder is not its name records one: other records stay as they were.
      ...(node.folder ? { folder: node.folder } : {}),
      address: host.address,
      connection:
        c.kind === "local"
          ? { kind: "local" as const }
          : { kind: "ssh" as const, port: c.port, user: c.user, hostKey: c.hostKey ?? install!.hostKeys[host.name].hostKey },
      nodeId: nodeIds[node.name],
      deleteData: model.chain.deleteDataOnRemove,
      groups: model.groups.filter((g) => [...g.sealers, ...g.observers, ...g.free].includes(node.name)).map((g) => g.id),
    });
    if (c.kind === "ssh" && !sshPrivateKeys[host.address]) sshPrivateKeys[host.address] = config.requireSecret(c.privateKeyConfig);
  }
  return new HostedNodes(`${name}-hosted-nodes`, { install: model.chain.install, owner, nodes, moved, sshPrivateKeys }, { parent });
}

import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface HostKeyArgs {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
}

export interface HostKeyOutputs {
  host: string;
  port: number;
  /** known_hosts form: "ssh-ed25519 AAAA…". */
  hostKey: string;
}

/**
 * An SSH host's key, trusted on first use: recorded in state when the resource is created (not a
 * secret: it is public) and never refreshed, so a server presenting another key later fails the
 * connection. Replace the resource to trust a new key.
 */
export class HostKey extends dynamicResourceClass<HostKeyArgs, HostKeyOutputs>({
  type: "HostKey",
  provider: ["infra/providers/host-key-provider.ts", "hostKeyProvider"],
  computed: ["hostKey"],
}) {}

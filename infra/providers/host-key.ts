import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/host-key-provider.ts", "hostKeyProvider");

export interface HostKeyArgs {
  host: pulumi.Input<string>;
  port: pulumi.Input<number>;
}

/**
 * An SSH host's key, trusted on first use: recorded in state when the resource is created (not a
 * secret: it is public) and never refreshed, so a server presenting another key later fails the
 * connection. Replace the resource to trust a new key.
 */
export class HostKey extends DynamicResource {
  declare readonly host: pulumi.Output<string>;
  declare readonly port: pulumi.Output<number>;
  /** known_hosts form: "ssh-ed25519 AAAA…". */
  declare readonly hostKey: pulumi.Output<string>;

  constructor(name: string, args: HostKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, hostKey: undefined }, opts, "bcos", "HostKey");
  }
}

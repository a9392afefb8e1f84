import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, providerStub } from "./delegating-provider";

/** What sets one bcos dynamic resource apart from the others; the wrapper class is the same for all. */
export interface DynamicResourceSpec<Args> {
  /** `pulumi-nodejs:dynamic/bcos:<type>`: part of every URN already in a state, so never renamed. */
  type: string;
  /** The provider module (project-relative) and its export: see providerStub. */
  provider: [projectRelativePath: string, exportName: string];
  /** Args passed on as secrets (each one given; an omitted optional arg stays omitted). */
  secretArgs?: (keyof Args)[];
  /** State fields the provider computes: registered as unknown until it has run. */
  computed?: string[];
  /** Outputs Pulumi must keep secret although the provider returns them in plain text. */
  secretOutputs?: string[];
}

/** A wrapper class: constructed with its typed args, holding its typed outputs. */
export type DynamicResourceClass<Args, Outputs> = new (
  name: string,
  args: Args,
  opts?: pulumi.CustomResourceOptions,
) => DynamicResource & { readonly [K in keyof Outputs]: pulumi.Output<Outputs[K]> };

/**
 * The class of a bcos dynamic resource whose state holds `Outputs` (among others), for a wrapper
 * to extend: `class KeyPair extends dynamicResourceClass<KeyPairArgs, KeyPairOutputs>({ … }) {}`.
 */
export function dynamicResourceClass<Args extends object, Outputs extends object = Record<never, never>>(
  spec: DynamicResourceSpec<Args>,
): DynamicResourceClass<Args, Outputs> {
  const stub = providerStub(...spec.provider);
  const secretOutputs = spec.secretOutputs ?? [];
  return class extends DynamicResource {
    constructor(name: string, args: Args, opts?: pulumi.CustomResourceOptions) {
      const secrets = (spec.secretArgs ?? []).flatMap((key) => (args[key] === undefined ? [] : [[key, pulumi.secret(args[key])]]));
      const computed = (spec.computed ?? []).map((key) => [key, undefined]);
      const props = { ...args, ...Object.fromEntries(secrets), ...Object.fromEntries(computed) };
      super(stub, name, props, secretOutputs.length === 0 ? opts : pulumi.mergeOptions(opts, { additionalSecretOutputs: secretOutputs }), "bcos", spec.type);
    }
  } as DynamicResourceClass<Args, Outputs>;
}

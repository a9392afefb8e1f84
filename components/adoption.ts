/**
 * What `pulumi up` adopts on an imported stack (see infra/import/adoption.ts): per resource slot a
 * certificate file and, unless a CA came without it, its private key as a secret Output.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AdoptedSlot, AdoptionPlan } from "../infra/import/adoption";
import type { ImportedKeys } from "../infra/import/import-record";

export interface AdoptedCredential {
  /** The certificate file as its tool wrote it (leaf first). */
  certFile: string;
  /** Absent: a CA imported as a certificate only; it can issue nothing. */
  privateKeyPem?: pulumi.Output<string>;
}

type Slots<T> = { [K in keyof T]?: AdoptedCredential };

export interface Adoption {
  chain: Slots<AdoptionPlan["chain"]>;
  agencies: Record<string, Slots<AdoptionPlan["agencies"][string]>>;
  nodes: Record<string, Slots<AdoptionPlan["nodes"][string]>>;
  groups: Record<number, string>;
  /** Where each imported node ran, for adopting it on its host (chain.install). */
  folders: AdoptionPlan["folders"];
}

/** The plan with each key path resolved in the (secret) `bcos:importedKeys`. */
export function adoptionOf(plan: AdoptionPlan, keys: pulumi.Output<ImportedKeys>): Adoption {
  const slot = (s: AdoptedSlot | undefined, owner: string): AdoptedCredential | undefined => {
    if (!s) return undefined;
    const { keyPath } = s;
    if (!keyPath) return { certFile: s.certFile };
    const privateKeyPem = pulumi.secret(
      keys.apply((all) => {
        const found = keyPath.reduce<unknown>((at, k) => (at as Record<string, unknown> | undefined)?.[k], all);
        if (typeof found !== "string") throw new Error(`${owner}: bcos:importedKeys has no key at ${keyPath.join(".")}; fix: import the chain again`);
        return found;
      }),
    );
    return { certFile: s.certFile, privateKeyPem };
  };
  const slots = <T extends object>(entry: T, owner: string) =>
    Object.fromEntries(Object.entries(entry).map(([k, s]) => [k, slot(s as AdoptedSlot | undefined, owner)])) as Slots<T>;
  return {
    chain: slots(plan.chain, "the chain CA"),
    agencies: Object.fromEntries(Object.entries(plan.agencies).map(([name, a]) => [name, slots(a, `agency ${name}`)])),
    nodes: Object.fromEntries(Object.entries(plan.nodes).map(([name, n]) => [name, slots(n, `node ${name}`)])),
    groups: plan.groups,
    folders: plan.folders,
  };
}

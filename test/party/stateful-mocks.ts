/**
 * Several party programs run in turn under mocks, each keeping its state between runs the way the
 * engine does: a resource already in the stack's state is checked against its old inputs, diffed,
 * and kept, updated or replaced by the real provider; one no longer registered is deleted. So a
 * key made in round 1 is the key of round 2, and a round that changes nothing is visible.
 * StackReferences read the other stacks' last exports (secret ones as secrets).
 */
import * as pulumi from "@pulumi/pulumi";
import { PROVIDERS, settled, unwrapSecrets } from "../components/mock-run";
import { agencyCsrProvider } from "../../infra/providers/agency-csr-provider";
import { signedBundleProvider } from "../../infra/providers/signed-bundle-provider";
import { trustPinProvider } from "../../infra/providers/trust-pin-provider";

PROVIDERS["pulumi-nodejs:dynamic/bcos:AgencyCsr"] = agencyCsrProvider;
PROVIDERS["pulumi-nodejs:dynamic/bcos:SignedBundle"] = signedBundleProvider;
PROVIDERS["pulumi-nodejs:dynamic/bcos:TrustPin"] = trustPinProvider;

type Props = Record<string, unknown>;
interface Stored {
  type: string;
  id: string;
  inputs: Props;
  outputs: Props;
}
export type Step = "create" | "update" | "replace" | "same" | "delete";

export interface StackState {
  resources: Map<string, Stored>;
  /** The last run's exports: plain values, and the names exported as secrets. */
  exports: Props;
  secretExports: string[];
}

export interface RunResult {
  /** Custom resources by name with what the run did to them. */
  steps: Record<string, Step>;
  outputs: Props;
}

/** Stacks by fully qualified name (`org/bcos/committee`). */
export const stacks = new Map<string, StackState>();

const stackOf = (name: string): StackState => {
  let s = stacks.get(name);
  if (!s) stacks.set(name, (s = { resources: new Map(), exports: {}, secretExports: [] }));
  return s;
};

let mocked = false;
let current: (args: pulumi.runtime.MockResourceArgs) => Promise<pulumi.runtime.MockResourceResult>;

/** Runs `program` as stack `stack` (what StackReferences name it by), returning its resolved exports (secrets unwrapped) and the steps taken. */
export async function runStack(
  stack: string,
  program: () => Promise<Record<string, pulumi.Input<unknown>>>,
  config: Record<string, string> = {},
): Promise<RunResult> {
  const state = stackOf(stack);
  const steps: Record<string, Step> = {};
  const seen = new Set<string>();

  async function newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
    if (args.type === "pulumi:pulumi:StackReference") {
      const other = stacks.get(args.inputs.name as string);
      return {
        id: args.inputs.name as string,
        state: { name: args.inputs.name, outputs: other?.exports ?? {}, secretOutputNames: other?.secretExports ?? [] },
      };
    }
    const provider = PROVIDERS[args.type];
    if (!provider) {
      if (args.custom) throw new Error(`no provider for custom resource ${args.type} ${args.name}`);
      return { id: undefined, state: args.inputs };
    }
    const key = `${args.type}::${args.name}`;
    seen.add(key);
    const { __provider: _serialised, ...news } = unwrapSecrets(args.inputs) as Props;
    const old = state.resources.get(key);
    const checked = provider.check ? await provider.check(old?.inputs ?? (undefined as unknown as Props), news) : { inputs: news };
    if (checked.failures?.length) throw new Error(`${args.name}: check failed: ${checked.failures.map((f) => f.reason).join("; ")}`);
    const inputs = (checked.inputs ?? news) as Props;
    let stored: Stored;
    if (!old) {
      const created = await provider.create(inputs);
      stored = { type: args.type, id: created.id, inputs, outputs: created.outs ?? {} };
      steps[args.name] = "create";
    } else {
      const diff = provider.diff ? await provider.diff(old.id, old.outputs, inputs) : { changes: false };
      if (diff.replaces && diff.replaces.length > 0) {
        const created = await provider.create(inputs);
        await provider.delete?.(old.id, old.outputs);
        stored = { type: args.type, id: created.id, inputs, outputs: created.outs ?? {} };
        steps[args.name] = "replace";
      } else if (diff.changes) {
        const updated = provider.update ? await provider.update(old.id, old.outputs, inputs) : { outs: { ...old.outputs, ...inputs } };
        stored = { ...old, inputs, outputs: updated.outs ?? {} };
        steps[args.name] = "update";
      } else {
        stored = { ...old, inputs };
        steps[args.name] = "same";
      }
    }
    state.resources.set(key, stored);
    return { id: stored.id, state: stored.outputs };
  }

  // One mock monitor for every run: a component registers its outputs late, and must find itself.
  current = newResource;
  if (!mocked) {
    await pulumi.runtime.setMocks({ newResource: (args) => current(args), call: (a) => a.inputs }, "bcos", "party", false);
    mocked = true;
  }
  for (const [k, v] of Object.entries(config)) pulumi.runtime.setConfig(k, v);
  const exported = await program();
  await settled();
  for (const [key, stored] of [...state.resources]) {
    if (seen.has(key)) continue;
    await PROVIDERS[stored.type].delete?.(stored.id, stored.outputs);
    state.resources.delete(key);
    steps[key.split("::")[1]] = "delete";
  }
  const outputs: Props = {};
  const secretExports: string[] = [];
  for (const [k, v] of Object.entries(exported)) {
    const out = pulumi.output(v) as pulumi.Output<unknown>;
    outputs[k] = await new Promise((resolve) => out.apply(resolve));
    if (await pulumi.isSecret(out)) secretExports.push(k);
  }
  state.exports = outputs;
  state.secretExports = secretExports;
  return { steps, outputs };
}

/** Whether a run left everything as it was (what `pulumi preview --expect-no-changes` checks). */
export const unchanged = (run: RunResult) => Object.values(run.steps).every((s) => s === "same");

/** Every value this stack's state holds, inputs and outputs (secret ones included), as one text. */
export function stateText(stack: string): string {
  return JSON.stringify([...stackOf(stack).resources.values()]);
}

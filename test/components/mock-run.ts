/**
 * Runs Pulumi code under mocks the way the engine would see it. Dynamic resources are made by the
 * real provider implementations (`check`, then `create`), so keys, certificates, genesis files and
 * packages are real; components echo their inputs. Every registration is recorded in wire form
 * (secrets as RPC envelopes) with what the engine receives beside the inputs: URN, parent and
 * `additionalSecretOutputs`, which the mock itself ignores.
 *
 * Call `startMocks` once per test file, then import program modules (`await import`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { certificateProvider } from "../../infra/providers/certificate-provider";
import { groupGenesisProvider } from "../../infra/providers/group-genesis-provider";
import { hostedNodesProvider } from "../../infra/providers/hosted-nodes-provider";
import { keyPairProvider } from "../../infra/providers/key-pair-provider";
import { nodeRegistryProvider } from "../../infra/providers/node-registry-provider";
import { nodeRemovalProvider } from "../../infra/providers/node-removal-provider";
import { packageFileProvider } from "../../infra/providers/package-file-provider";
import { textFileProvider } from "../../infra/providers/text-file-provider";

export const PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
  "pulumi-nodejs:dynamic/bcos:KeyPair": keyPairProvider,
  "pulumi-nodejs:dynamic/bcos:Certificate": certificateProvider,
  "pulumi-nodejs:dynamic/bcos:GroupGenesis": groupGenesisProvider,
  "pulumi-nodejs:dynamic/bcos:PackageFile": packageFileProvider,
  "pulumi-nodejs:dynamic/bcos:TextFile": textFileProvider,
  // Both only record on create (no host is contacted).
  "pulumi-nodejs:dynamic/bcos:HostedNodes": hostedNodesProvider,
  "pulumi-nodejs:dynamic/bcos:NodeRemoval": nodeRemovalProvider,
  "pulumi-nodejs:dynamic/bcos:NodeRegistry": nodeRegistryProvider,
};

type Wire = Record<string, unknown>;

export interface Registration {
  type: string;
  name: string;
  urn: string;
  /** The parent's URN; empty for a root. */
  parent: string;
  custom: boolean;
  additionalSecretOutputs: string[];
  /** URNs the engine orders this resource after: `dependsOn` and the resources its inputs come from. */
  dependencies: string[];
  /** Resource options the engine keeps in state: `retainOnDelete`, `ignoreChanges`, aliases (URNs or names). */
  retainOnDelete: boolean;
  ignoreChanges: string[];
  aliases: string[];
  /** Inputs as sent to the engine. */
  inputs: Wire;
  /** Custom resources: the state the provider returned; components: what they registered as outputs. */
  outputs: Wire;
}

type Callback<T> = (error: Error | null, response?: T) => void;
interface Monitor {
  registerResource(req: RegisterResourceRequest, callback: Callback<RegisterResourceResponse>): void;
  registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: Callback<unknown>): void;
}

/** The plain value a provider receives: the engine strips secret envelopes before calling it. */
export function unwrapSecrets(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  return value;
}

/** @pulumi/command resources: no provider runs here; they echo their inputs, with empty output. */
const COMMAND_TYPE = /^command:(local|remote):/;
const MEMBERSHIP_TYPE = "pulumi-nodejs:dynamic/bcos:Membership";

async function newResource(args: pulumi.runtime.MockResourceArgs): Promise<pulumi.runtime.MockResourceResult> {
  if (COMMAND_TYPE.test(args.type)) return { id: `${args.name}-id`, state: { ...args.inputs, stdout: "", stderr: "" } };
  // No chain answers under mocks: a Membership records its declared roles as if applied.
  if (args.type === MEMBERSHIP_TYPE) return { id: `group-${args.inputs.groupId}`, state: args.inputs };
  const provider = PROVIDERS[args.type];
  if (!provider) {
    if (args.custom) throw new Error(`no provider for custom resource ${args.type} ${args.name}`);
    return { id: undefined, state: args.inputs };
  }
  const { __provider: _serialised, ...inputs } = unwrapSecrets(args.inputs) as Record<string, unknown>;
  const checked = provider.check ? await provider.check({}, inputs) : { inputs };
  if (checked.failures?.length) throw new Error(`${args.name}: check failed: ${JSON.stringify(checked.failures)}`);
  const created = await provider.create(checked.inputs ?? inputs);
  return { id: created.id, state: created.outs };
}

function recordOn(monitor: Monitor, registrations: Registration[]): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (error, response) => {
      if (response) {
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          dependencies: req.getDependenciesList(),
          retainOnDelete: req.getRetainondelete() ?? false,
          ignoreChanges: req.getIgnorechangesList(),
          aliases: [...req.getAliasurnsList(), ...req.getAliasesList().map((a) => a.getUrn() || a.getSpec()?.getName() || "")],
          inputs: req.getObject()?.toJavaScript() ?? {},
          outputs: response.getObject()?.toJavaScript() ?? {},
        });
      }
      callback(error, response);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const registration = registrations.find((r) => r.urn === req.getUrn());
    if (registration) registration.outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, callback);
  };
}

/** Installs the mocks (project `bcos`, stack `dev`) and returns the list registrations land in. */
export async function startMocks(config: Record<string, string>): Promise<Registration[]> {
  await pulumi.runtime.setMocks({ newResource, call: (args) => args.inputs }, "bcos", "dev", false);
  for (const [key, value] of Object.entries(config)) pulumi.runtime.setConfig(key, value);
  const registrations: Registration[] = [];
  recordOn(pulumi.runtime.getMonitor() as unknown as Monitor, registrations);
  return registrations;
}

/**
 * Resolves once every registration and output registration has finished. Uses the runtime's own
 * RPC drain (what `disconnect` waits on), internal but exported at run time.
 */
export async function settled(): Promise<void> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** The value of a known Output. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function byName(registrations: Registration[], name: string): Registration {
  const found = registrations.filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}`);
  return found[0];
}

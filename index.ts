/**
 * The Pulumi program: reads the stack's topology (`bcos:topology`), validates it before anything
 * is registered, and builds the consortium. Stack outputs: per node its ID, host and ports; per
 * agency its handover package and SDK bundle; per group its genesis timestamp and roles; every
 * certificate with its notAfter and days left.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Consortium } from "./components";
import { adoptionOf } from "./components/adoption";
import { validityOf } from "./components/consortium/pki";
import { readingStackSettings } from "./components/input-error";
import { createAgencyParty } from "./components/party-agency-stack";
import { createCommittee } from "./components/party-committee";
import { adoptionPlan } from "./infra/import/adoption";
import type { ImportedKeys, ImportRecord } from "./infra/import/import-record";
import { readPartySettings } from "./infra/party/settings";
import { topologyFromConfigValue } from "./infra/topology/load";
import { readHealthTimeoutSeconds, readRenewBeforeDays } from "./infra/topology/validate-settings";

// Pulumi's run harness installs source-map-support, which maps none of tsx's output (states hold
// the compiled positions) yet formats every stack the SDK takes (one per promise it tracks): a
// quarter of the program's CPU in a 100-node preview. Node's own formatting, without source maps,
// yields the same positions about 5x faster, so states and diffs stay as they were.
Reflect.deleteProperty(Error, "prepareStackTrace");
process.setSourceMapsEnabled(false);

const config = new pulumi.Config("bcos");
// Throws the validator's message (path, value, fix) on bad input; nothing is registered then.
const model = readingStackSettings(() => topologyFromConfigValue(config.requireObject("topology")));
const outputDir = config.get("outputDir") ?? `./out/${pulumi.getStack()}`;
// Without bcos:party the stack is the whole consortium; with it, one party of it (see README).
const { party: partySetting, exchange } = readingStackSettings(() => readPartySettings(config.get("party"), config.get("exchange"), model));

// With chain.install: how long a (re)started node may take to be healthy (default 60 s).
// Checked here, before anything is registered: a fraction would break the install script.
const healthTimeoutSeconds = readingStackSettings(() => readHealthTimeoutSeconds(config.get("healthTimeoutSeconds")));
// Certificates are re-issued on their keys by the first `up` this many days before expiry (default 30).
const renewBeforeDays = readingStackSettings(() => readRenewBeforeDays(config.get("renewBeforeDays"), model.chain.certValidityDays));
// With chain.install: nodes the user moved to another host or deployDir by hand (see the refusal
// of such a move in preview for the steps).
const movedNodes = config.getObject<string[]>("movedNodes");

// A stack written by `bcos-pulumi import`: its keys, certificates and genesis files are adopted
// (kept byte for byte) instead of made. Keep both settings: without them, new ones would be made.
const imported = config.getObject<ImportRecord>("imported");
const adoption = imported && adoptionPlanOf(imported);

const consortium =
  partySetting.kind === "consortium"
    ? new Consortium("consortium", { model, outputDir, healthTimeoutSeconds, renewBeforeDays, movedNodes, adoption })
    : undefined;
const validity = validityOf(model, renewBeforeDays);
// A party reads the others' bundles first (asynchronously), so its outputs are a promise.
const partyOutputs: Promise<object> | undefined =
  partySetting.kind === "committee"
    ? createCommittee({ model, exchange: exchange!, validity })
    : partySetting.kind === "agency"
      ? createAgencyParty({ model, agency: partySetting.agency, exchange: exchange!, validity, outputDir, healthTimeoutSeconds, movedNodes })
      : undefined;
// A mode's outputs are null in the other mode: an undefined export makes the engine warn on every run.
const partyOutput = (key: string) => partyOutputs?.then((o) => (o as Record<string, unknown>)[key] ?? null) ?? null;
const ofConsortium = <T>(pick: (c: Consortium) => T): T => (consortium ? pick(consortium) : (null as T));

export const nodes = ofConsortium((c) => c.nodeSummaries);
export const agencies = ofConsortium((c) => c.agencySummaries);
export const groups = ofConsortium((c) => c.groupSummaries);
export const certificates = ofConsortium((c) => c.certificateSummaries);
/** Party stacks: which party, its signed bundle (public), what it waits for, genesis made, its node IDs and package. */
export const party = partyOutput("party");
export const genesis = partyOutput("groups");
export const bundle = partyOutput("bundle");
export const waitingFor = partyOutput("waitingFor");
export const nodeIds = partyOutput("nodeIds");
export const handoverPackage = partyOutput("package");

function adoptionPlanOf(record: ImportRecord) {
  const read = (rel: string) => {
    const file = path.resolve(record.files, rel);
    return existsSync(file) ? readFileSync(file, "utf8") : undefined;
  };
  return adoptionOf(adoptionPlan(record, read), config.requireSecretObject<ImportedKeys>("importedKeys"));
}

/**
 * What the PKI and the frozen genesis become on disk: per agency its handover package and SDK
 * bundle in `outputDir`, and per node the folder an install ships (base64 tar.gz, a secret).
 */
import * as pulumi from "@pulumi/pulumi";
import { PackageFile } from "../../infra/providers/package-file";
import { nodePackageBase64 } from "../../infra/remote";
import { withRevokedNodes } from "../../infra/topology/revoked-nodes";
import type { Model } from "../../infra/topology/types";
import { agencyPackageFiles, sdkBundleFiles } from "../agency-package";
import { chainPki, type Pki } from "./pki";

export interface AgencySummary {
  /** The agency's node folders and sdk/ folder, as .tar.gz. */
  package: string;
  /** The agency's sdk/ folder alone, as .tar.gz. */
  sdkBundle: string;
}

/**
 * Both files of each named agency, parented to its Agency. Each is rendered only from the PKI it
 * holds: the chain CAs, the agency and its own nodes (the SDK bundle: no node at all). A node
 * added elsewhere then leaves these inputs known in a preview, and the engine can tell which
 * packages really change.
 */
export function createAgencyPackages(
  model: Model,
  agencyNames: readonly string[],
  pki: Pki,
  outputDir: string,
  genesis: pulumi.Output<Record<number, string>>,
  revoked: pulumi.Output<string[]>,
): Record<string, AgencySummary> {
  const summaries: Record<string, AgencySummary> = {};
  for (const agency of model.agencies.filter((a) => agencyNames.includes(a.name))) {
    const files = pulumi
      .all([chainPki(pki, agency.name, agency.nodes), genesis, revoked])
      .apply(([plain, frozenGenesis, ids]) => agencyPackageFiles(withRevokedNodes(model, ids), plain, agency.name, frozenGenesis));
    const sdkFiles = chainPki(pki, agency.name, []).apply((plain) => sdkBundleFiles(model, plain, agency.name));
    const summary: AgencySummary = { package: `${outputDir}/${agency.name}.tar.gz`, sdkBundle: `${outputDir}/${agency.name}-sdk.tar.gz` };
    const parent = pki.agencies[agency.name];
    new PackageFile(`${agency.name}-package`, { path: summary.package, files }, { parent });
    new PackageFile(`${agency.name}-sdk-bundle`, { path: summary.sdkBundle, files: sdkFiles }, { parent });
    summaries[agency.name] = summary;
  }
  return summaries;
}

/** Per node of `pki`: its folder as base64 tar.gz (a secret), refusing the node IDs `revoked` lists. */
export function nodePackages(
  model: Model,
  pki: Pki,
  genesis: pulumi.Output<Record<number, string>>,
  revoked: pulumi.Output<string[]>,
): Record<string, pulumi.Output<string>> {
  return Object.fromEntries(
    model.nodes
      .filter((n) => pki.nodes[n.name])
      .map((n) => [
        n.name,
        pulumi.secret(
          pulumi
            .all([chainPki(pki, n.agency, [n.name]), genesis, revoked])
            .apply(([plain, frozenGenesis, listed]) => nodePackageBase64(withRevokedNodes(model, listed), plain, n.name, frozenGenesis)),
        ),
      ]),
  );
}

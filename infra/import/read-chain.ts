/**
 * Reading a chain folder into everything `import` writes: the node folders, the CA material, the
 * SDK sets and the derived topology. Every check runs before anything is written; all problems
 * found are refused together in one ImportError.
 */
import * as path from "node:path";
import { nameProblem } from "../topology/formats";
import { safeName } from "./names";
import { type ChainAuthority, resolveAuthority } from "./authority";
import { signedBy } from "./certificates";
import { scanCertDirs } from "./cert-sources";
import { isFolder } from "./folders";
import { ImportError, type ImportProblem, refuseIfAny } from "./import-error";
import { detectLayout, type Layout } from "./layout";
import { type NodeFolder, readNodeFolder } from "./node-folder-reader";
import {
  duplicateNodeIds,
  type ForeignPeer,
  foreignPeerProblems,
  foreignPeers,
  genesisDifferences,
  genesisLayoutDifferences,
  inconsistentChainSettings,
  unknownSealers,
} from "./refusals";
import { readSdkFolder, type SdkFolder } from "./sdk-folder-reader";
import { type DerivedTopology, deriveTopology } from "./topology";

export interface ReadChainOptions {
  /** The chain folder (build_chain output or generator packages). */
  from: string;
  /** Extra CA material: chain CA and agency certificates, with their keys when the operator has them. */
  certDir?: string;
  /** address → host name, from --host. */
  hostNames: ReadonlyMap<string, string>;
  /** Import although config.ini lists peers that are no imported node. */
  allowForeignPeers: boolean;
}

export interface ImportedSdk {
  sdk: SdkFolder;
  agency: string;
  host: string;
}

export interface ChainImport {
  layout: Layout;
  /** Absolute. */
  from: string;
  nodes: NodeFolder[];
  authority: ChainAuthority;
  sdks: ImportedSdk[];
  topology: DerivedTopology;
  /** Only with allowForeignPeers. */
  foreignPeers: ForeignPeer[];
  /** Things skipped that do not stop the import. */
  warnings: string[];
}

function hostNameProblems(given: ReadonlyMap<string, string>, nodes: readonly NodeFolder[]): ImportProblem[] {
  const addresses = new Set(nodes.map((n) => n.hostAddress));
  const problems: ImportProblem[] = [];
  const seen = new Map<string, string>();
  for (const [address, name] of given) {
    const file = `--host ${address}=${name}`;
    if (!addresses.has(address)) {
      problems.push({ file, problem: `no imported node is at ${address}`, fix: `use one of the addresses found: ${[...addresses].join(", ")}` });
    }
    const problem = nameProblem("host", name);
    if (problem) problems.push({ file, problem: problem.message, fix: problem.fix });
    const other = seen.get(name);
    if (other !== undefined)
      problems.push({ file, problem: `names a second address (${other} already is ${name})`, fix: "give each address its own host name" });
    seen.set(name, address);
  }
  return problems;
}

/** Which imported agency issued an SDK set: by its RSA channel CA, or its GM agency certificate. */
function sdkAgency(sdk: SdkFolder, authority: ChainAuthority): string | undefined {
  const found = authority.agencies.find((agency) =>
    sdk.credentials.some(({ role, certs }) => {
      const issuer = role === "sdk" ? (agency.channelCa ?? agency.std) : agency.gm;
      return issuer !== undefined && signedBy(certs[0], issuer.cert);
    }),
  );
  return found?.name;
}

export function readChain(options: ReadChainOptions): ChainImport {
  const from = path.resolve(options.from);
  const show = (file: string) => {
    const rel = path.relative(from, file);
    return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel.split(path.sep).join("/");
  };
  const detected = detectLayout(from);
  refuseIfAny(detected.problems);
  const folders = detected.folders!;

  const problems: ImportProblem[] = [];
  const nodes: NodeFolder[] = [];
  for (const location of folders.nodes) {
    const read = readNodeFolder(location);
    problems.push(...read.problems);
    if (read.folder) nodes.push(read.folder);
  }
  const readFailed = problems.length > 0;
  if (nodes.length === 0) throw new ImportError(problems);

  const certDirs = [...folders.certDirs];
  if (options.certDir !== undefined) {
    const certDir = path.resolve(options.certDir);
    if (!isFolder(certDir))
      problems.push({
        file: options.certDir,
        problem: "(--cert-dir) is not a folder",
        fix: "give the folder that holds ca.crt / gmca.crt and the agency folders",
      });
    else certDirs.unshift(certDir);
  }
  const sources = scanCertDirs(certDirs, show);

  const peers = foreignPeers(nodes);
  problems.push(
    ...hostNameProblems(options.hostNames, nodes),
    ...duplicateNodeIds(nodes),
    ...inconsistentChainSettings(nodes),
    ...genesisDifferences(nodes),
    // A folder that failed to load leaves its node ID and address unknown; these checks would
    // only add noise until it is repaired.
    ...(readFailed ? [] : unknownSealers(nodes)),
    ...(readFailed || options.allowForeignPeers ? [] : foreignPeerProblems(peers)),
  );
  const resolved = resolveAuthority(nodes, sources);
  problems.push(...resolved.problems);
  refuseIfAny(problems);
  const authority = resolved.authority!;

  const derived = deriveTopology(nodes, authority, options.hostNames, options.from);
  refuseIfAny(derived.problems);
  const topology = derived.topology!;

  const warnings = [...sources.warnings, ...genesisLayoutDifferences(nodes)];
  const sdks: ImportedSdk[] = [];
  for (const location of folders.sdks) {
    const read = readSdkFolder(location);
    warnings.push(...read.warnings);
    if (read.sdk.credentials.length === 0) continue;
    const agency = sdkAgency(read.sdk, authority);
    if (agency === undefined) warnings.push(`${location.label}: SDK set skipped (not issued by any imported agency)`);
    // build_chain puts sdk/ next to the host's node folders, so the host is known.
    else sdks.push({ sdk: read.sdk, agency, host: topology.hostNames.get(location.hostAddress) ?? safeName("host", location.hostAddress) });
  }
  return { layout: folders.layout, from, nodes, authority, sdks, topology, foreignPeers: options.allowForeignPeers ? peers : [], warnings };
}

import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { PRIVATE_MODE, type RenderedFile } from "../fisco/rendered-file";
import { dynamicResourceClass } from "./dynamic-resource-class";

/** What a private key file shows in `contents`: no digest of a secret. */
export const PRIVATE_CONTENT = "(private key)";

/**
 * Per file of a package, a short digest of its content (private keys: PRIVATE_CONTENT): a public
 * input, so `pulumi preview --diff` names the files a change rewrites (e.g. one node's
 * `config.ini`) where the secret `files` would show only `[secret]`. Takes no part in the diff.
 */
export function packageContents(files: readonly RenderedFile[]): Record<string, string> {
  const digest = (f: RenderedFile) => (f.mode === PRIVATE_MODE ? PRIVATE_CONTENT : createHash("sha256").update(f.content).digest("hex").slice(0, 16));
  return Object.fromEntries(files.map((f) => [f.path, digest(f)]));
}

export interface PackageFileArgs {
  /** Where to write the .tar.gz; relative to the project directory unless absolute. */
  path: pulumi.Input<string>;
  /** The files to pack; passed on as a secret since they include private keys. */
  files: pulumi.Input<RenderedFile[]>;
}

/** A handover package written to local disk with mode 0600. */
export class PackageFile extends dynamicResourceClass<
  PackageFileArgs & { contents: pulumi.Input<Record<string, string>> },
  { path: string; sha256: string; fileCount: number }
>({
  type: "PackageFile",
  provider: ["infra/providers/package-file-provider.ts", "packageFileProvider"],
  secretArgs: ["files"],
  computed: ["sha256", "fileCount"],
}) {
  constructor(name: string, args: PackageFileArgs, opts?: pulumi.CustomResourceOptions) {
    // The files are a secret because of their keys; their digests (none of a key) are not.
    super(name, { ...args, contents: pulumi.unsecret(pulumi.output(args.files).apply(packageContents)) }, opts);
  }
}

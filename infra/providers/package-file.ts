import * as pulumi from "@pulumi/pulumi";
import type { RenderedFile } from "../fisco/rendered-file";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface PackageFileArgs {
  /** Where to write the .tar.gz; relative to the project directory unless absolute. */
  path: pulumi.Input<string>;
  /** The files to pack; passed on as a secret since they include private keys. */
  files: pulumi.Input<RenderedFile[]>;
}

/** A handover package written to local disk with mode 0600. */
export class PackageFile extends dynamicResourceClass<PackageFileArgs, { path: string; sha256: string; fileCount: number }>({
  type: "PackageFile",
  provider: ["infra/providers/package-file-provider.ts", "packageFileProvider"],
  secretArgs: ["files"],
  computed: ["sha256", "fileCount"],
}) {}

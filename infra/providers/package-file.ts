import * as pulumi from "@pulumi/pulumi";
import type { RenderedFile } from "../fisco/rendered-file";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/package-file-provider.ts", "packageFileProvider");

export interface PackageFileArgs {
  /** Where to write the .tar.gz; relative to the project directory unless absolute. */
  path: pulumi.Input<string>;
  /** The files to pack; passed on as a secret since they include private keys. */
  files: pulumi.Input<RenderedFile[]>;
}

/** A handover package written to local disk with mode 0600. */
export class PackageFile extends DynamicResource {
  declare readonly path: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;
  declare readonly fileCount: pulumi.Output<number>;

  constructor(name: string, args: PackageFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, files: pulumi.secret(args.files), sha256: undefined, fileCount: undefined }, opts, "bcos", "PackageFile");
  }
}

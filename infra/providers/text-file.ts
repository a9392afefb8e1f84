import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/text-file-provider.ts", "textFileProvider");

export interface TextFileArgs {
  /** Where to write; relative to the project directory unless absolute. */
  path: pulumi.Input<string>;
  /** Public content only: it is kept in state in plain text. */
  content: pulumi.Input<string>;
}

/** A public text file written to local disk (mode 0644), e.g. the consortium's diagram. */
export class TextFile extends DynamicResource {
  declare readonly path: pulumi.Output<string>;
  declare readonly sha256: pulumi.Output<string>;

  constructor(name: string, args: TextFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, sha256: undefined }, opts, "bcos", "TextFile");
  }
}

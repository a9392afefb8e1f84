import * as pulumi from "@pulumi/pulumi";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface TextFileArgs {
  /** Where to write; relative to the project directory unless absolute. */
  path: pulumi.Input<string>;
  /** Public content only: it is kept in state in plain text. */
  content: pulumi.Input<string>;
}

/** A public text file written to local disk (mode 0644), e.g. the consortium's diagram. */
export class TextFile extends dynamicResourceClass<TextFileArgs, { path: string; sha256: string }>({
  type: "TextFile",
  provider: ["infra/providers/text-file-provider.ts", "textFileProvider"],
  computed: ["sha256"],
}) {}

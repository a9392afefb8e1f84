import * as pulumi from "@pulumi/pulumi";
import path from "node:path";

/**
 * The `__provider` text stored with every dynamic resource: a one-line module whose handler loads
 * the implementation by module path when the provider process first needs it. Pulumi's own
 * `dynamic.Resource` would store a closure serialisation of the provider instead (2.9 kB, twice
 * per resource: 39% of a 100-node state, rewritten by the engine after every step); this is
 * ~150 bytes. The provider process evaluates the text with `require-from-string` and resolves
 * modules from the Pulumi project's directory:
 * - this repository's own program (running from source): the project-relative path, compiled by
 *   tsx as the CLI's sources are;
 * - the package used as a library (compiled, in another program's node_modules): the package's
 *   `bcos-pulumi/providers/*` export of the compiled module. A package name, not a file path, so
 *   the state stays valid when the project moves.
 * The text never takes part in a diff (every provider's diff compares its own fields), so a state
 * written with the older, serialised stub previews with no changes and takes this text on its
 * next `up`.
 */
export function providerStub(projectRelativePath: string, exportName: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(exportName)) throw new Error(`provider export ${exportName} is not an identifier`);
  if (!__filename.endsWith(".ts")) {
    const target = `bcos-pulumi/providers/${path.basename(projectRelativePath, ".ts")}`;
    return `exports.handler=()=>require(${JSON.stringify(target)}).${exportName};`;
  }
  return `exports.handler=()=>(require("tsx/cjs"),require(require("path").resolve(${JSON.stringify(projectRelativePath)})).${exportName});`;
}

/**
 * A Pulumi dynamic resource (type `pulumi-nodejs:dynamic/<module>:<type>`, served by the
 * `pulumi-nodejs` provider, exactly as `pulumi.dynamic.Resource` registers one) whose provider is
 * `stub` (see providerStub).
 */
export class DynamicResource extends pulumi.CustomResource {
  constructor(stub: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, module: string, type: string) {
    if (props.__provider !== undefined) throw new Error("a dynamic resource must not define the __provider key");
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: stub }, opts);
  }
}

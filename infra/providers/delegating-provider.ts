import type * as pulumi from "@pulumi/pulumi";
import path from "node:path";

/**
 * A dynamic provider whose methods load the real implementation from a module at call time.
 * Pulumi serialises a dynamic provider's closure into state and revives it in a separate process
 * without our module graph; capturing the implementation would inline it (and its libraries) into
 * every resource's state. Only the two strings below are captured. The provider host runs in the
 * Pulumi project's directory and resolves modules from there:
 * - this repository's own program (running from source): the project-relative path, compiled by
 *   tsx as the CLI's sources are;
 * - the package used as a library (compiled, in another program's node_modules): the package's
 *   `bcos-pulumi/providers/*` export of the compiled module. A package name, not a file path, so
 *   the state stays valid when the project moves.
 */
export function delegatingProvider(projectRelativePath: string, exportName: string): pulumi.dynamic.ResourceProvider {
  const target = __filename.endsWith(".ts") ? projectRelativePath : `bcos-pulumi/providers/${path.basename(projectRelativePath, ".ts")}`;
  const load = (): pulumi.dynamic.ResourceProvider => {
    if (target.startsWith("bcos-pulumi/")) return require(target)[exportName];
    require("tsx/cjs");
    return require(require("node:path").resolve(target))[exportName];
  };
  return {
    check: (olds, news) => {
      const impl = load();
      return impl.check ? impl.check(olds, news) : Promise.resolve({ inputs: news });
    },
    diff: (id, olds, news) => {
      const impl = load();
      return impl.diff ? impl.diff(id, olds, news) : Promise.resolve({});
    },
    create: (inputs) => load().create(inputs),
    update: (id, olds, news) => {
      const impl = load();
      return impl.update ? impl.update(id, olds, news) : Promise.resolve({ outs: { ...olds, ...news } });
    },
    read: (id, props) => {
      const impl = load();
      return impl.read ? impl.read(id, props) : Promise.resolve({ id, props });
    },
    delete: (id, props) => {
      const impl = load();
      return impl.delete ? impl.delete(id, props) : Promise.resolve();
    },
  };
}

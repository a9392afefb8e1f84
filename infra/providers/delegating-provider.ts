import type * as pulumi from "@pulumi/pulumi";

/**
 * A dynamic provider whose methods load the real implementation from a project module at call
 * time. Pulumi serialises a dynamic provider's closure into state and revives it in a separate
 * process without our module graph; capturing the implementation would inline it (and its
 * libraries) into every resource's state. Only the two strings below are captured. The provider
 * host runs in the project directory, so the path is resolved against the working directory,
 * and tsx compiles the TypeScript module there as it does for the CLI.
 */
export function delegatingProvider(projectRelativePath: string, exportName: string): pulumi.dynamic.ResourceProvider {
  const load = (): pulumi.dynamic.ResourceProvider => {
    require("tsx/cjs");
    return require(require("node:path").resolve(projectRelativePath))[exportName];
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

import type { Model } from "../topology/types";

/**
 * render and validate never use chain.binary, so a topology without one passes them; say that
 * `pulumi up` will still want it, so the first run of the program is not the first to tell.
 */
export function installNote(model: Model): string | undefined {
  if (!model.chain.install || model.chain.binary !== undefined) return undefined;
  return (
    "note: chain.install is true (the default) and chain.binary is not set: render and validate do not need it, " +
    "but pulumi up will refuse until chain.binary.path (or url with sha256) is set, or chain.install is false"
  );
}

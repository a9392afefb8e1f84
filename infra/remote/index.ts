/** Host-side scripts (install, update, removal) and what they are fed; plain functions, no Pulumi. */
export { binaryInstallScript, type BinaryInstall, type BinaryOrigin } from "./binary-script";
export { binaryRevision } from "./binary-revision";
export { nodeInstallScript, type NodeInstall } from "./node-script";
export { nodePackageBase64 } from "./node-package";
export { nodeRemovalScript, type NodeRemoval } from "./removal-script";
export { rollingPredecessors } from "./rolling-order";
export { bashCommand, shellAssignments, shellQuote } from "./shell-quote";

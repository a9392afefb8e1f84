/** Host-side scripts (install, update, removal) and what they are fed; plain functions, no Pulumi. */
export { BINARY_INSTALL_STDIN, SHARED_BINARY_INSTALL_STDIN, binaryInstallCommand, type BinaryInstall, type BinaryOrigin } from "./binary-script";
export { binaryRevision } from "./binary-revision";
export { hostMachine, hostSite, type HostSite } from "./host-site";
export { installedNodes, installedNodesCommand, type InstalledNodes, type NodeFolders } from "./installed-nodes";
export { nodeInstallCommand, nodeInstallStdin, type NodeInstall } from "./node-script";
export { nodePackageBase64 } from "./node-package";
export { nodeRemovalScript, type NodeRemoval } from "./removal-script";
export { removeHostedNodes, type HostedNode } from "./remove-nodes";
export { membershipPredecessors, rollingPredecessors } from "./rolling-order";
export { bashCommand, shellAssignments, shellQuote } from "./shell-quote";

/**
 * Topology types. `TopologySpec` is what users write (stack config `bcos:topology` or a standalone
 * YAML file; every key is documented in docs/configuration.md, and users depend on the names:
 * extend, never rename). `Model` is the validated, defaulted form every later stage reads; nothing
 * downstream looks at a `TopologySpec`.
 */

export type ConsensusType = "pbft" | "raft" | "rpbft";

/** SSH access to a host. */
export interface SshConnectionSpec {
  /** SSH port, default 22. */
  port?: number;
  /** Login user; default "root". */
  user?: string;
  /** Name of the secret stack config key that holds the private key; default `sshPrivateKey`. */
  privateKeyConfig?: string;
  /** Pinned host key in `known_hosts` form (`ssh-ed25519 AAAA…`); absent: trust on first use. */
  hostKey?: string;
}

export interface HostSpec {
  /** Address other nodes use to reach this host's p2p ports (IPv4, IPv6 or DNS name). */
  address: string;
  /** `local` (this machine) or `{ ssh: {...} }`. */
  connection: "local" | { ssh: SshConnectionSpec };
  /** Folder on the host under which node folders live (`<deployDir>/<node or its folder:>/`). */
  deployDir: string;
}

export interface NodeSpec {
  host: string;
  /** The node's folder name under its host's deployDir when it is not the node's name (imported nodes). */
  folder?: string;
  p2pPort?: number;
  channelPort?: number;
  rpcPort?: number;
}

export interface AgencySpec {
  nodes?: Record<string, NodeSpec>;
}

export interface GroupSpec {
  consensus?: ConsensusType;
  sealers: string[];
  observers?: string[];
  free?: string[];
  /** Genesis block timestamp in ms; chosen once at first creation when absent. */
  timestamp?: number;
  /** [consensus] max_trans_num, default 1000. */
  maxTransNum?: number;
  /** [tx] gas_limit, default 300000000. */
  gasLimit?: number;
  /** [consensus] consensus_timeout in seconds, default 3 (minimum 3). */
  consensusTimeout?: number;
  /** rpbft only: [consensus] epoch_sealer_num, default the number of initial sealers. */
  epochSealerNum?: number;
  /** rpbft only: [consensus] epoch_block_num, default 1000. */
  epochBlockNum?: number;
  /** [evm] enable_free_storage, default false. */
  enableFreeStorage?: boolean;
}

export interface BinarySpec {
  path?: string;
  url?: string;
  sha256?: string;
}

export interface ChainSpec {
  id?: number;
  smCrypto?: boolean;
  smCryptoChannel?: boolean;
  /** [chain] rsa_crypto_channel, default true; false: the SDK channel uses the node's secp256k1 set. */
  rsaCryptoChannel?: boolean;
  version?: string;
  certValidityDays?: number;
  install?: boolean;
  /** The node binary for the hosts: needed by the Pulumi program when install is true; render and validate never use it. */
  binary?: BinarySpec;
  deleteDataOnRemove?: boolean;
  /** Node IDs every node refuses at the P2P handshake ([certificate_blacklist] crl.N). */
  certificateBlacklist?: string[];
  /** If non-empty, the only node IDs every node accepts ([certificate_whitelist] cal.N). */
  certificateWhitelist?: string[];
}

export interface TopologySpec {
  chain?: ChainSpec;
  hosts: Record<string, HostSpec>;
  agencies: Record<string, AgencySpec>;
  groups?: Record<string, GroupSpec>;
}

// ---------------------------------------------------------------------------------------------
// Validated model

export interface Chain {
  id: number;
  smCrypto: boolean;
  smCryptoChannel: boolean;
  /**
   * Present (false) only when the topology turns the RSA channel off; absent means true. false:
   * the SDK channel uses the node's secp256k1 set (conf/node.* or GM conf/origin_cert/) and an SDK
   * certificate from the agency's secp256k1 CA, and no RSA material is made. See sdk-channel.ts.
   */
  rsaCryptoChannel?: false;
  /** x.y.z, e.g. "2.11.1"; written as [compatibility] supported_version. */
  version: string;
  certValidityDays: number;
  install: boolean;
  binary?: BinarySpec;
  deleteDataOnRemove: boolean;
  /** Lower-case node IDs, in topology order; absent when the topology lists none. */
  certificateBlacklist?: string[];
  /** Lower-case node IDs; absent (or empty): no whitelist, every certified peer is accepted. */
  certificateWhitelist?: string[];
}

export type HostConnection = { kind: "local" } | { kind: "ssh"; port: number; user: string; privateKeyConfig: string; hostKey?: string };

export interface Host {
  name: string;
  address: string;
  connection: HostConnection;
  deployDir: string;
}

export interface Node {
  name: string;
  agency: string;
  host: string;
  p2pPort: number;
  channelPort: number;
  rpcPort: number;
  /** Its folder under the host's deployDir when not its name (see node-folder.ts); absent otherwise. */
  folder?: string;
}

export interface Agency {
  name: string;
  /** Node names in declaration order. */
  nodes: string[];
}

/** Genesis parameters: frozen once a group exists (FISCO keeps block 0 forever). */
export interface GenesisParams {
  consensus: ConsensusType;
  maxTransNum: number;
  gasLimit: number;
  consensusTimeout: number;
  /**
   * rpbft sealers per epoch. Absent: the number of sealers when the genesis is frozen, so a later
   * membership edit does not read as a change of this frozen value.
   */
  epochSealerNum?: number;
  epochBlockNum: number;
  enableFreeStorage: boolean;
}

export interface Group {
  id: number;
  sealers: string[];
  observers: string[];
  free: string[];
  /** Present when the topology pins it; otherwise chosen at first creation. */
  timestamp?: number;
  genesis: GenesisParams;
}

export interface Model {
  chain: Chain;
  /** In declaration order. */
  hosts: Host[];
  /** In declaration order. */
  agencies: Agency[];
  /** All nodes of the chain in declaration order (agency by agency). */
  nodes: Node[];
  /** Sorted by id. */
  groups: Group[];
}

/**
 * `config.ini` of one node, in the section order and layout build_chain 2.11.1 uses. GM and
 * non-GM differ only in the P2P key/cert names and `[chain] sm_crypto`; the channel settings
 * follow chain.smCryptoChannel and chain.rsaCryptoChannel.
 */
import { isIPv6 } from "node:net";
import { hasRsaChannel } from "../topology/sdk-channel";
import type { Model } from "../topology/types";
import { disabledEntry, entry, iniText, note, section } from "./ini-lines";
import { modelHost, modelNode } from "./lookup";

/** `<address>:<port>` as the node parses it: IPv6 literals in brackets. */
export function p2pEndpoint(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

/**
 * `crl.N=` / `cal.N=` lines; with no IDs, build_chain's commented-out placeholder. 2.11 reads every
 * key starting with `crl.` / `cal.` and compares IDs case-insensitively.
 */
function idEntries(prefix: "crl" | "cal", ids: readonly string[] = []): string[] {
  if (ids.length === 0) return [disabledEntry(`${prefix}.0`, "")];
  return ids.map((id, i) => entry(`${prefix}.${i}`, id));
}

export function renderConfigIni(model: Model, nodeName: string): string {
  const node = modelNode(model, nodeName);
  const { smCrypto } = model.chain;
  const rsaChannel = hasRsaChannel(model.chain);
  // build_chain -6 listens on `::`; an IPv4 wildcard would leave an IPv6-addressed node unreachable.
  const anyAddress = isIPv6(modelHost(model, node.host).address) ? "::" : "0.0.0.0";
  const peers = model.nodes.map((peer, i) => entry(`node.${i}`, p2pEndpoint(modelHost(model, peer.host).address, peer.p2pPort)));

  return iniText([
    section("rpc"),
    entry("channel_listen_ip", anyAddress),
    entry("channel_listen_port", node.channelPort),
    entry("jsonrpc_listen_ip", "127.0.0.1"),
    entry("jsonrpc_listen_port", node.rpcPort),
    entry("disable_dynamic_group", false),
    section("p2p"),
    entry("listen_ip", anyAddress),
    entry("listen_port", node.p2pPort),
    note("every node of the chain, this one included, as <address>:<p2p port>"),
    ...peers,
    "",
    section("certificate_blacklist"),
    note("node IDs (128 hex) refused at the P2P handshake"),
    ...idEntries("crl", model.chain.certificateBlacklist),
    "",
    section("certificate_whitelist"),
    note("once one node ID is listed, only listed nodes may connect"),
    ...idEntries("cal", model.chain.certificateWhitelist),
    "",
    section("group"),
    entry("group_data_path", "data/"),
    entry("group_config_path", "conf/"),
    "",
    section("network_security"),
    note("folder of the files below; keep the trailing slash, paths are built by appending"),
    entry("data_path", "conf/"),
    ...(smCrypto
      ? [
          note("SM2 signing key, its chain (node, agency, GM chain CA) and the GM chain CA"),
          entry("key", "gmnode.key"),
          entry("cert", "gmnode.crt"),
          entry("ca_cert", "gmca.crt"),
          note("the SM2 encryption pair is read from gmennode.key / gmennode.crt by default"),
        ]
      : [
          note("secp256k1 key, its chain (node, agency, chain CA) and the chain CA"),
          entry("key", "node.key"),
          entry("cert", "node.crt"),
          entry("ca_cert", "ca.crt"),
        ]),
    "",
    section("storage_security"),
    entry("enable", false),
    entry("key_manager_ip", ""),
    entry("key_manager_port", ""),
    entry("cipher_data_key", ""),
    "",
    section("chain"),
    entry("id", model.chain.id),
    note("fixed for the life of the chain"),
    entry("sm_crypto", smCrypto),
    note("true: SDKs connect with GM TLS using sdk/gm/ (GM chains only)"),
    entry("sm_crypto_channel", smCrypto && model.chain.smCryptoChannel),
    // true: every node ships channel_cert/ and every agency an RSA sdk/; false: the node's own
    // secp256k1 set serves SDKs. With sm_crypto_channel=true this flag is not consulted.
    rsaChannel
      ? note("otherwise the SDK channel uses the RSA set in conf/channel_cert/ (sdk/sdk.*)")
      : note(`otherwise the SDK channel uses the node's secp256k1 set in conf/${smCrypto ? "origin_cert/" : ""} (sdk/sdk.*)`),
    entry("rsa_crypto_channel", rsaChannel),
    "",
    section("compatibility"),
    note("identical on every node and not above the binary's own version"),
    entry("supported_version", model.chain.version),
    "",
    section("log"),
    entry("enable", true),
    entry("log_path", "./log"),
    entry("enable_console_output", false),
    entry("enable_statistic", false),
    entry("stat_flush_interval", 60),
    note("trace, debug, info, warning or error"),
    entry("level", "info"),
    note("MB per file; 2.11 refuses less than 100"),
    entry("max_log_file_size", 200),
    entry("flush", true),
    "",
    section("flow_control"),
    disabledEntry("limit_req", 1000),
    disabledEntry("outgoing_bandwidth_limit", 2),
  ]);
}

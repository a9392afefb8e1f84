/**
 * Which certificate set a 2.11 node serves SDKs with on its channel port, from the chain settings
 * (SecureInitializer: a GM channel first, then the RSA one, else the node's secp256k1 set), and so
 * which SDK client set an agency needs besides the GM one.
 */
import type { Chain } from "./types";

/**
 * `rsa`: conf/channel_cert/ under the agency's RSA channel CA. `std`: the node's secp256k1 set
 * (conf/node.*, on a GM chain conf/origin_cert/) under the agency's secp256k1 CA. `gm`: the GM
 * context (the RSA flag is not consulted).
 */
export type SdkChannel = "rsa" | "std" | "gm";

type ChannelSettings = Pick<Chain, "smCrypto" | "smCryptoChannel" | "rsaCryptoChannel">;

/** `[chain] rsa_crypto_channel`: true unless the topology turns it off. */
export function hasRsaChannel(chain: Pick<Chain, "rsaCryptoChannel">): boolean {
  return chain.rsaCryptoChannel !== false;
}

export function sdkChannelOf(chain: ChannelSettings): SdkChannel {
  if (chain.smCrypto && chain.smCryptoChannel) return "gm";
  return hasRsaChannel(chain) ? "rsa" : "std";
}

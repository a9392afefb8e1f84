/**
 * The `sdk/` folder of one agency: what a console or Java SDK needs to reach that agency's nodes
 * (reference §1.3). The standard set `sdk/{ca.crt,sdk.crt,sdk.key}` is the one the node's channel
 * serves: with rsa_crypto_channel=true the agency's RSA channel CA and an RSA SDK certificate
 * (always there then, as build_chain does); with false the secp256k1 chain CA and an SDK
 * certificate from the agency's secp256k1 CA (build_chain -R), left out when the GM channel serves
 * SDKs instead. GM chains add `gm/` for sm_crypto_channel=true. An SDK cert only works with nodes
 * of its own agency (the node compares issuers). `config.toml` (sdk-config.ts) points the SDK at
 * these files and at the agency's nodes. Paths start with `sdk/`.
 */
import type { AgencyPki, ChainPki, Credential } from "../crypto/types";
import { hasRsaChannel, sdkChannelOf } from "../topology/sdk-channel";
import type { Model } from "../topology/types";
import { agencyPki, requireGm, requireRsa } from "./lookup";
import { certFile, pemFile } from "./pem";
import { PRIVATE_MODE, PUBLIC_MODE, type RenderedFile } from "./rendered-file";
import { GM_CHANNEL_FILES, renderSdkConfig, SDK_CONFIG_FILE, STANDARD_CHANNEL_FILES } from "./sdk-config";

const inSdk = (file: string) => `sdk/${file}`;

/** The standard (non-GM) client set: RSA, secp256k1 (without the RSA channel) or none (see above). */
function standardFiles(model: Model, pki: ChainPki, agency: AgencyPki): RenderedFile[] {
  const std = STANDARD_CHANNEL_FILES;
  if (hasRsaChannel(model.chain)) {
    const channelCa = requireRsa(agency.channelCa, `agency ${agency.name}'s RSA channel CA`);
    const channel = requireRsa(agency.sdk.channel, `agency ${agency.name}'s RSA SDK credential`);
    return [
      { path: inSdk(std.caCert), content: pemFile(channelCa.certPem), mode: PUBLIC_MODE },
      { path: inSdk(std.sslCert), content: certFile(channel), mode: PUBLIC_MODE },
      { path: inSdk(std.sslKey), content: pemFile(channel.key.privateKeyPem), mode: PRIVATE_MODE },
    ];
  }
  // None for the GM channel; none either for an adopted agency whose secp256k1 CA came without
  // its key and without an SDK set: its holder issues one.
  const sdk = agency.sdk.std;
  if (sdkChannelOf(model.chain) !== "std" || !sdk) return [];
  const root = pki.authority.std.certPem;
  // The chain sdk + agency + chain CA, like the node's own set the channel serves it against.
  return [
    { path: inSdk(std.caCert), content: pemFile(root), mode: PUBLIC_MODE },
    { path: inSdk(std.sslCert), content: certFile(sdk, agency.std.certPem, root), mode: PUBLIC_MODE },
    { path: inSdk(std.sslKey), content: pemFile(sdk.key.privateKeyPem), mode: PRIVATE_MODE },
    { path: "sdk/sdk.publickey", content: `${requirePublicKeyHex(sdk, agency.name)}\n`, mode: PUBLIC_MODE },
  ];
}

function requirePublicKeyHex(sdk: Credential, agencyName: string): string {
  const hex = sdk.key.publicKeyHex;
  if (hex === undefined) throw new Error(`agency ${agencyName}'s secp256k1 SDK key has no public key hex`);
  return hex;
}

export function renderSdkFolder(model: Model, pki: ChainPki, agencyName: string): RenderedFile[] {
  if (!model.agencies.some((a) => a.name === agencyName)) throw new Error(`agency ${agencyName} is not in the model`);
  const agency = agencyPki(pki, agencyName);
  const config = renderSdkConfig(model, agencyName);
  const configFiles: RenderedFile[] = config === undefined ? [] : [{ path: inSdk(SDK_CONFIG_FILE), content: config, mode: PUBLIC_MODE }];
  const files = standardFiles(model, pki, agency);
  if (!model.chain.smCrypto) return [...files, ...configFiles];
  // An adopted agency whose GM CA came without its key and without a GM SDK set: only the standard set.
  if (!agency.sdk.gmSign && !model.chain.smCryptoChannel) return [...files, ...configFiles];

  const gmRoot = requireGm(pki.authority.gm, "the GM chain CA");
  const gmAgency = requireGm(agency.gm, `agency ${agencyName}'s GM certificate`);
  const sign = requireGm(agency.sdk.gmSign, `agency ${agencyName}'s SDK SM2 signing credential`);
  const enc = requireGm(agency.sdk.gmEnc, `agency ${agencyName}'s SDK SM2 encryption credential`);
  const publicKey = requireGm(sign.key.publicKeyHex, `the public key hex of agency ${agencyName}'s SDK signing key`);
  const gm = GM_CHANNEL_FILES;
  return [
    ...files,
    { path: inSdk(gm.caCert), content: pemFile(gmRoot.certPem), mode: PUBLIC_MODE },
    { path: inSdk(gm.sslCert), content: certFile(sign, gmAgency.certPem, gmRoot.certPem), mode: PUBLIC_MODE },
    { path: inSdk(gm.sslKey), content: pemFile(sign.key.privateKeyPem), mode: PRIVATE_MODE },
    { path: inSdk(gm.enSslCert), content: certFile(enc), mode: PUBLIC_MODE },
    { path: inSdk(gm.enSslKey), content: pemFile(enc.key.privateKeyPem), mode: PRIVATE_MODE },
    // For [sdk_allowlist] public_key.N entries.
    { path: "sdk/gm/gmsdk.publickey", content: `${publicKey}\n`, mode: PUBLIC_MODE },
    ...configFiles,
  ];
}

/**
 * The `sdk/` folder of one agency: what a console or Java SDK needs to reach that agency's nodes
 * (reference §1.3). The RSA set is always there (rsa_crypto_channel=true); GM chains add `gm/` for
 * sm_crypto_channel=true. An SDK cert only works with nodes of its own agency: each agency has its
 * own RSA channel CA. `config.toml` (sdk-config.ts) points the SDK at these files and at the
 * agency's nodes. Paths start with `sdk/`.
 */
import type { ChainPki } from "../crypto/types";
import type { Model } from "../topology/types";
import { agencyPki, requireGm } from "./lookup";
import { certFile, pemFile } from "./pem";
import { PRIVATE_MODE, PUBLIC_MODE, type RenderedFile } from "./rendered-file";
import { GM_CHANNEL_FILES, renderSdkConfig, SDK_CONFIG_FILE, STANDARD_CHANNEL_FILES } from "./sdk-config";

const inSdk = (file: string) => `sdk/${file}`;

export function renderSdkFolder(model: Model, pki: ChainPki, agencyName: string): RenderedFile[] {
  if (!model.agencies.some((a) => a.name === agencyName)) throw new Error(`agency ${agencyName} is not in the model`);
  const agency = agencyPki(pki, agencyName);
  const { channel } = agency.sdk;
  const std = STANDARD_CHANNEL_FILES;
  const config = renderSdkConfig(model, agencyName);
  const configFiles: RenderedFile[] = config === undefined ? [] : [{ path: inSdk(SDK_CONFIG_FILE), content: config, mode: PUBLIC_MODE }];
  const files: RenderedFile[] = [
    { path: inSdk(std.caCert), content: pemFile(agency.channelCa.certPem), mode: PUBLIC_MODE },
    { path: inSdk(std.sslCert), content: certFile(channel), mode: PUBLIC_MODE },
    { path: inSdk(std.sslKey), content: pemFile(channel.key.privateKeyPem), mode: PRIVATE_MODE },
  ];
  if (!model.chain.smCrypto) return [...files, ...configFiles];
  // An adopted agency whose GM CA came without its key and without a GM SDK set: only the RSA set.
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

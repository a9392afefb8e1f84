/**
 * A party's bundle, signed in the provider with the party's key (a secret input that never
 * reaches the outputs) and, for the `{ dir }` exchange, written to `<dir>/<party>.bundle`. Signed
 * again only when the content or the signing key changes (SM2 signatures are randomised: a new
 * signature each run would be a change each run). The file is written aside and renamed, so a
 * reader never sees half a bundle; deleting the resource removes the file only while it is still
 * the one written (a bundle carried in by hand, or another party's, stays).
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { canonicalJson, type PartyBundle, writeBundle } from "../exchange/bundle";
import { loadPrivateKey } from "../crypto/keys";

export interface SignedBundleInputs {
  content: PartyBundle;
  /** PEM PKCS#8 of the key the bundle rules name (see infra/exchange/bundle.ts); a secret. */
  signingKeyPem: string;
  /** Every private key the party holds (PEM): none may appear in the bundle; a secret. */
  heldSecrets: string[];
  /** `{ dir }` exchange: the file to write; absent for `{ stacks }` (the text is a stack output). */
  path?: string;
}

/** No private key in here: only the signed text and what tells a change. */
export interface SignedBundleOutputs {
  party: string;
  /** The bundle file's text (signed envelope), public. */
  text: string;
  /** sha256 of the canonical content: what decides a new signature. */
  contentSha256: string;
  /** sha256 of the signing key's public key. */
  signerSha256: string;
  path?: string;
  /** sha256 of the file as written. */
  fileSha256?: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function signed(inputs: SignedBundleInputs): SignedBundleOutputs {
  const { keyPair } = loadPrivateKey(inputs.signingKeyPem);
  const text = writeBundle(inputs.content, keyPair, inputs.heldSecrets);
  return { party: inputs.content.party, text, contentSha256: sha256(canonicalJson(inputs.content)), signerSha256: sha256(keyPair.publicKeyPem) };
}

function writeFile(outs: SignedBundleOutputs, path: string | undefined): SignedBundleOutputs {
  if (path === undefined) return outs;
  const target = resolve(path);
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.partial-${process.pid}`;
  writeFileSync(temporary, outs.text, { mode: 0o644 });
  chmodSync(temporary, 0o644);
  renameSync(temporary, target);
  return { ...outs, path, fileSha256: sha256(outs.text) };
}

const fileIntact = (outs: SignedBundleOutputs) =>
  outs.path === undefined || (existsSync(resolve(outs.path)) && sha256(readFileSync(resolve(outs.path), "utf8")) === outs.fileSha256);

/** Whether `news` says something other than what `olds` signed (unknown in preview: yes). */
function contentChanged(olds: SignedBundleOutputs, news: SignedBundleInputs): boolean {
  if (typeof news.content !== "object" || typeof news.signingKeyPem !== "string") return true;
  return sha256(canonicalJson(news.content)) !== olds.contentSha256 || sha256(loadPrivateKey(news.signingKeyPem).keyPair.publicKeyPem) !== olds.signerSha256;
}

export const signedBundleProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: SignedBundleOutputs, news: SignedBundleInputs) {
    if (olds.path !== news.path) return { changes: true, replaces: ["path"], deleteBeforeReplace: false };
    // A file removed or overwritten by hand is written again (the same signed text).
    return { changes: contentChanged(olds, news) || !fileIntact(olds) };
  },

  async create(inputs: SignedBundleInputs) {
    const outs = writeFile(signed(inputs), inputs.path);
    return { id: outs.path === undefined ? `${outs.party}-bundle` : resolve(outs.path), outs };
  },

  async update(_id: string, olds: SignedBundleOutputs, news: SignedBundleInputs) {
    return { outs: writeFile(contentChanged(olds, news) ? signed(news) : olds, news.path) };
  },

  async delete(_id: string, props: SignedBundleOutputs) {
    if (props.path !== undefined && fileIntact(props)) rmSync(resolve(props.path), { force: true });
  },
};

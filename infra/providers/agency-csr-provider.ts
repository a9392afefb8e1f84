/**
 * An agency's certificate signing request as a resource: made once from the agency key and kept
 * in state, so the request (its SM2 signature is randomised) and the bundle that carries it stay
 * the same across runs. Made again only when the key, the agency or the kind changes.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { type AgencyCertKind, createAgencyCsr } from "../crypto/csr";
import { loadPrivateKey } from "../crypto/keys";

export interface AgencyCsrInputs {
  agency: string;
  kind: AgencyCertKind;
  /** The agency key (PEM PKCS#8); a secret, never in the outputs. */
  privateKeyPem: string;
}

export interface AgencyCsrOutputs {
  agency: string;
  kind: AgencyCertKind;
  publicKeyPem: string;
  /** PEM `CERTIFICATE REQUEST`; public. */
  csrPem: string;
}

const publicKeyOf = (privateKeyPem: string) => loadPrivateKey(privateKeyPem).keyPair.publicKeyPem;

export const agencyCsrProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: AgencyCsrOutputs, news: AgencyCsrInputs) {
    // Unknown in a preview (a key not made yet): a new request.
    const keyChanged = typeof news.privateKeyPem !== "string" || publicKeyOf(news.privateKeyPem) !== olds.publicKeyPem;
    const replaces = [
      ...(olds.agency !== news.agency ? ["agency"] : []),
      ...(olds.kind !== news.kind ? ["kind"] : []),
      ...(keyChanged ? ["privateKeyPem"] : []),
    ];
    return replaces.length > 0 ? { changes: true, replaces, deleteBeforeReplace: false } : { changes: false };
  },

  async create(inputs: AgencyCsrInputs) {
    const { keyPair } = loadPrivateKey(inputs.privateKeyPem);
    const outs: AgencyCsrOutputs = {
      agency: inputs.agency,
      kind: inputs.kind,
      publicKeyPem: keyPair.publicKeyPem,
      csrPem: createAgencyCsr(inputs.agency, inputs.kind, keyPair),
    };
    return { id: createHash("sha256").update(outs.csrPem).digest("hex").slice(0, 32), outs };
  },

  /** Only reached when the provider's code changed: the request stays. */
  async update(_id: string, olds: AgencyCsrOutputs) {
    return { outs: olds };
  },
};

import * as pulumi from "@pulumi/pulumi";
import type { AgencyCertKind } from "../crypto/csr";
import { dynamicResourceClass } from "./dynamic-resource-class";

export interface AgencyCsrArgs {
  agency: pulumi.Input<string>;
  /** `gm` (SM2, SM2-with-SM3) or `std` (secp256k1, ECDSA-with-SHA256). */
  kind: pulumi.Input<AgencyCertKind>;
  /** The agency key; passed on as a secret. */
  privateKeyPem: pulumi.Input<string>;
}

/** An agency's PKCS#10 request for its agency certificate, made once and kept. */
export class AgencyCsr extends dynamicResourceClass<AgencyCsrArgs, { publicKeyPem: string; csrPem: string }>({
  type: "AgencyCsr",
  provider: ["infra/providers/agency-csr-provider.ts", "agencyCsrProvider"],
  secretArgs: ["privateKeyPem"],
  computed: ["publicKeyPem", "csrPem"],
}) {}

import * as pulumi from "@pulumi/pulumi";
import type { AgencyCertKind } from "../crypto/csr";
import { DynamicResource, providerStub } from "./delegating-provider";

const provider = providerStub("infra/providers/agency-csr-provider.ts", "agencyCsrProvider");

export interface AgencyCsrArgs {
  agency: pulumi.Input<string>;
  /** `gm` (SM2, SM2-with-SM3) or `std` (secp256k1, ECDSA-with-SHA256). */
  kind: pulumi.Input<AgencyCertKind>;
  /** The agency key; passed on as a secret. */
  privateKeyPem: pulumi.Input<string>;
}

/** An agency's PKCS#10 request for its agency certificate, made once and kept. */
export class AgencyCsr extends DynamicResource {
  declare readonly publicKeyPem: pulumi.Output<string>;
  declare readonly csrPem: pulumi.Output<string>;

  constructor(name: string, args: AgencyCsrArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, privateKeyPem: pulumi.secret(args.privateKeyPem), publicKeyPem: undefined, csrPem: undefined }, opts, "bcos", "AgencyCsr");
  }
}

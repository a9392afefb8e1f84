/** Object identifiers of the algorithms and name attributes the FISCO profiles use. */
export const OID = {
  ecPublicKey: "1.2.840.10045.2.1",
  rsaEncryption: "1.2.840.113549.1.1.1",
  curveSm2: "1.2.156.10197.1.301",
  curveSecp256k1: "1.3.132.0.10",
  sm2WithSm3: "1.2.156.10197.1.501",
  /** Only named in error messages: refused for a chain CA. */
  ecdsaWithSha1: "1.2.840.10045.4.1",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  ecdsaWithSha512: "1.2.840.10045.4.3.4",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  commonName: "2.5.4.3",
  organizationName: "2.5.4.10",
  organizationalUnitName: "2.5.4.11",
} as const;

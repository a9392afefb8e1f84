/**
 * Reference certificates made by plain OpenSSL 3 with build_chain.sh v2.11.1's commands and cnf
 * sections (reference fisco-2x-artifacts.md §4.2, §4.3). The profile tests compare ours with these.
 */
import { DISTID, Scratch } from "./openssl-harness";

/** build_chain 2.11.1's cert.cnf (the parts OpenSSL uses). */
export const CERT_CNF = `[ca]
default_ca=default_ca
[default_ca]
default_days = 365
default_md = sha256
[req]
distinguished_name = req_distinguished_name
req_extensions = v3_req
[req_distinguished_name]
countryName = CN
commonName = fisco-bcos
[ v3_req ]
basicConstraints = CA:FALSE
keyUsage = nonRepudiation, digitalSignature, keyEncipherment
[ v4_req ]
basicConstraints = CA:TRUE
`;

/** build_chain 2.11.1's gmcert.cnf (the parts OpenSSL uses). */
export const GMCERT_CNF = `[ req ]
default_bits = 2048
default_md = sm3
distinguished_name = req_distinguished_name
x509_extensions = v3_ca
string_mask = utf8only
[ req_distinguished_name ]
commonName = fisco-bcos
[ v3_req ]
basicConstraints = CA:FALSE
keyUsage = nonRepudiation, digitalSignature
[ v3enc_req ]
basicConstraints = CA:FALSE
keyUsage = keyAgreement, keyEncipherment, dataEncipherment
[ v3_agency_root ]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints = CA:true
keyUsage = cRLSign, keyCertSign
[ v3_ca ]
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always,issuer
basicConstraints = CA:true
keyUsage = cRLSign, keyCertSign
`;

/** File stem (in the scratch folder) of each reference certificate, keyed like PROFILES. */
export const REFERENCE_FILES = {
  chainCa: "ca",
  agencyCa: "agency",
  node: "node",
  sdk: "sdk",
  channelCa: "chca",
  channelNode: "chnode",
  channelSdk: "chsdk",
  gmChainCa: "gmca",
  gmAgencyCa: "gmagency",
  gmNode: "gmnode",
  gmEnNode: "gmennode",
  gmSdk: "gmsdk",
  gmEnSdk: "gmensdk",
} as const;

/** Writes `<stem>.crt`/`<stem>.key` for every entry of REFERENCE_FILES (agency "agencyA", node "node0"). */
export function makeReferenceCertificates(s: Scratch): void {
  s.file("cert.cnf", CERT_CNF);
  s.file("gmcert.cnf", GMCERT_CNF);
  s.must("ecparam", "-out", "secp256k1.param", "-name", "secp256k1");
  s.file("gmsm2.param", "-----BEGIN EC PARAMETERS-----\nBggqgRzPVQGCLQ==\n-----END EC PARAMETERS-----\n");
  const days = ["-days", "36500"];

  // Standard chain: ca -> agency -> node.
  s.must("genpkey", "-paramfile", "secp256k1.param", "-out", "ca.key");
  s.must("req", "-new", "-x509", ...days, "-subj", "/CN=chain/O=fisco-bcos/OU=chain", "-key", "ca.key", "-config", "cert.cnf", "-out", "ca.crt");
  const stdIssue = (stem: string, subj: string, ca: string, ext: string) => {
    s.must("genpkey", "-paramfile", "secp256k1.param", "-out", `${stem}.key`);
    s.must("req", "-new", "-sha256", "-subj", subj, "-key", `${stem}.key`, "-config", "cert.cnf", "-out", `${stem}.csr`);
    s.must(
      "x509",
      "-req",
      ...days,
      "-sha256",
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-in",
      `${stem}.csr`,
      "-out",
      `${stem}.crt`,
      "-extensions",
      ext,
      "-extfile",
      "cert.cnf",
    );
  };
  stdIssue("agency", "/CN=agencyA/O=fisco-bcos/OU=agency", "ca", "v4_req");
  stdIssue("node", "/CN=node0/O=fisco-bcos/OU=node", "agency", "v3_req");
  // build_chain -R (no RSA channel): the SDK certificate under the agency, like a node's.
  stdIssue("sdk", "/CN=sdk/O=fisco-bcos/OU=sdk", "agency", "v3_req");

  // RSA channel: self-signed CA, node and sdk certs without -extfile.
  s.must("genrsa", "-out", "chca.key", "2048");
  s.must("req", "-new", "-x509", ...days, "-subj", "/CN=agencyA/O=fisco-bcos/OU=chain", "-key", "chca.key", "-config", "cert.cnf", "-out", "chca.crt");
  for (const stem of ["chnode", "chsdk"]) {
    s.must("genrsa", "-out", `${stem}.key`, "2048");
    s.must("req", "-new", "-sha256", "-subj", "/CN=FISCO-BCOS/O=fisco-bcos/OU=agency", "-key", `${stem}.key`, "-config", "cert.cnf", "-out", `${stem}.csr`);
    s.must(
      "x509",
      "-req",
      ...days,
      "-sha256",
      "-CA",
      "chca.crt",
      "-CAkey",
      "chca.key",
      "-CAcreateserial",
      "-in",
      `${stem}.csr`,
      "-out",
      `${stem}.crt`,
      "-extensions",
      "v4_req",
    );
  }

  // GM chain (OpenSSL 3 in place of TASSL, with FISCO's SM2 user ID made explicit).
  const sm2Opts = ["-sigopt", DISTID];
  s.must("genpkey", "-paramfile", "gmsm2.param", "-out", "gmca.key");
  s.must(
    "req",
    "-config",
    "gmcert.cnf",
    "-x509",
    ...days,
    "-subj",
    "/CN=gmchain/O=fisco-bcos/OU=chain",
    "-key",
    "gmca.key",
    "-extensions",
    "v3_ca",
    "-out",
    "gmca.crt",
    "-sm3",
    ...sm2Opts,
  );
  const gmIssue = (stem: string, subj: string, ca: string, ext: string) => {
    s.must("genpkey", "-paramfile", "gmsm2.param", "-out", `${stem}.key`);
    s.must("req", "-new", "-subj", subj, "-key", `${stem}.key`, "-config", "gmcert.cnf", "-out", `${stem}.csr`, "-sm3", ...sm2Opts);
    s.must(
      "x509",
      "-sm3",
      "-req",
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      ...days,
      "-CAcreateserial",
      "-in",
      `${stem}.csr`,
      "-out",
      `${stem}.crt`,
      "-extfile",
      "gmcert.cnf",
      "-extensions",
      ext,
      ...sm2Opts,
      "-vfyopt",
      DISTID,
    );
  };
  gmIssue("gmagency", "/CN=agencyA-gm/O=fisco-bcos/OU=agency", "gmca", "v3_agency_root");
  gmIssue("gmnode", "/CN=node0/O=fisco-bcos/OU=node", "gmagency", "v3_req");
  gmIssue("gmennode", "/CN=node0/O=fisco-bcos/OU=ennode", "gmagency", "v3enc_req");
  gmIssue("gmsdk", "/CN=sdk/O=fisco-bcos/OU=sdk", "gmagency", "v3_req");
  gmIssue("gmensdk", "/CN=sdk/O=fisco-bcos/OU=ensdk", "gmagency", "v3enc_req");
}

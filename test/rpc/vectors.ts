/** The public FISCO 2.x vectors and FISCO API doc examples (test/fixtures; README.md there says where each came from). */
import { readFileSync } from "node:fs";
import path from "node:path";

const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(__dirname, "../fixtures", name), "utf8"));

export const VECTORS = fixture("fisco-2x-vectors.json");

type DocFields = Record<string, string>;

/** The GM RC2 example of the FISCO API docs, as published (fields only, no raw bytes). */
export const DOC_GM_EXAMPLE: { fields: DocFields; [key: string]: unknown } = VECTORS.fisco_doc_examples_decoded.gm_rc2_request;

/** The signed GM addSealer transaction carried by the sendRawTransaction request example. */
export const GM_ADD_SEALER_RAW: string = VECTORS.jsonrpc_request_examples.sendRawTransaction_gm.params[1];
export const GM_ADD_SEALER_HASH: string = VECTORS.jsonrpc_request_examples.getTransactionReceipt.params[1];

/** The docs' standard-mode (ECDSA) RC2 request: the raw transaction and the hash the node returned for it. */
const ecdsaRequest = fixture("fisco-doc-ecdsa-rc2-request.json") as { params: [number, string]; result: string };
export const DOC_ECDSA_RAW: string = ecdsaRequest.params[1];
export const DOC_ECDSA_RESULT: string = ecdsaRequest.result;
/** What the vectors say about that request: v, the recovered sender and keccak256(raw). */
export const DOC_ECDSA_EXAMPLE: { v: number; recovered_sender: string; tx_hash_keccak256_of_raw: string } =
  VECTORS.fisco_doc_examples_decoded.ecdsa_rc2_request;

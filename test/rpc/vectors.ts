/** The public FISCO 2.x vectors (../shared/reference/fisco-2x-vectors.json). */
import { readFileSync } from "node:fs";
import path from "node:path";

export const VECTORS = JSON.parse(
  readFileSync(path.resolve(__dirname, "../../../shared/reference/fisco-2x-vectors.json"), "utf8"),
);

type DocFields = Record<string, string>;

/** The GM RC2 example of the FISCO API docs, as published (fields only, no raw bytes). */
export const DOC_GM_EXAMPLE: { fields: DocFields; [key: string]: unknown } = VECTORS.fisco_doc_examples_decoded.gm_rc2_request;

/** The signed GM addSealer transaction carried by the sendRawTransaction request example. */
export const GM_ADD_SEALER_RAW: string = VECTORS.jsonrpc_request_examples.sendRawTransaction_gm.params[1];
export const GM_ADD_SEALER_HASH: string = VECTORS.jsonrpc_request_examples.getTransactionReceipt.params[1];

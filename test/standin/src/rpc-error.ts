/** A JSON-RPC error with the code and message the real node uses (reference rpc §1.2). */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const groupNotExist = () => new RpcError(-40001, "GroupID does not exist");
export const notGroupMember = () => new RpcError(-40009, "Don't send request to this node who doesn't belong to the group");
export const invalidParams = () => new RpcError(-32602, "INVALID_PARAMS: Invalid method parameters (invalid name and/or type) recognised");
/** Transaction pool refusals arrive as an internal error whose text names the reason. */
export const txRejected = (reason: string) => new RpcError(-32603, `Internal error: ${reason}`);

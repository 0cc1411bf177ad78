import { Code, ConnectError } from "@connectrpc/connect";

export { Code };

/**
 * The one error type for everything that goes wrong between this process and
 * the Temporal service: it carries the gRPC status `code`, the RPC `method`
 * when known, and a message that says what to do about it.
 */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly code: Code;
  readonly method: string | undefined;

  constructor(message: string, code: Code, options: { method?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.method = options.method;
  }

  /** The gRPC status name, e.g. "Unavailable". */
  get codeName(): string {
    return Code[this.code] ?? String(this.code);
  }
}

/** Normalises anything thrown by a Connect call into a ConnectError. */
export function toConnectError(err: unknown): ConnectError {
  return ConnectError.from(err);
}

import { Code, ConnectError } from "@connectrpc/connect";

/**
 * The gRPC errors the dev server answers with. Each names what was wrong and
 * where, so a client author sees the field or entity at fault, as a real
 * Temporal frontend does.
 */
export function invalidArgument(field: string, problem: string): ConnectError {
  return new ConnectError(`${field} ${problem}`, Code.InvalidArgument);
}

export function notFound(message: string): ConnectError {
  return new ConnectError(message, Code.NotFound);
}

export function alreadyExists(message: string): ConnectError {
  return new ConnectError(message, Code.AlreadyExists);
}

export function failedPrecondition(message: string): ConnectError {
  return new ConnectError(message, Code.FailedPrecondition);
}

export function unimplemented(method: string): ConnectError {
  return new ConnectError(`${method} is not implemented by the temporal-edge-worker dev server`, Code.Unimplemented);
}

/** Throws INVALID_ARGUMENT when a required string is empty. */
export function requireField(value: string | undefined, field: string): string {
  if (value === undefined || value === "") throw invalidArgument(field, "is required");
  return value;
}

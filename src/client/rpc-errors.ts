// Turns the connection's ServiceError into the typed errors @temporalio/client
// throws for the same server answers. Anything not recognised stays the
// ServiceError, whose message already says what failed and what to do.
import { BinaryReader } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { ServiceError } from "../common/errors.ts";
import {
  ActivityCompletionError,
  ActivityNotFoundError,
  NamespaceNotFoundError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "./errors.ts";

export interface ExecutionRef {
  workflowId: string;
  runId?: string | undefined;
}

/** The server's own message, without our method prefix. */
export function serverMessage(err: ServiceError): string {
  return err.cause instanceof ConnectError ? err.cause.rawMessage : err.message;
}

/**
 * The namespace named by a NamespaceNotFoundFailure error detail, if the
 * status carries one. The detail is decoded by hand (field 1, a string)
 * because gen/ holds no errordetails messages.
 */
function namespaceNotFound(err: ServiceError): string | undefined {
  if (!(err.cause instanceof ConnectError)) return undefined;
  for (const detail of err.cause.details) {
    if (!("type" in detail) || detail.type !== "temporal.api.errordetails.v1.NamespaceNotFoundFailure") continue;
    const reader = new BinaryReader(detail.value);
    while (reader.pos < reader.len) {
      const [field, wireType] = reader.tag();
      if (field === 1) return reader.string();
      reader.skip(wireType);
    }
    return "";
  }
  return undefined;
}

/** Errors every client call maps the same way. */
function rethrowKnown(err: unknown): void {
  if (!(err instanceof ServiceError)) return;
  const ns = namespaceNotFound(err);
  if (ns !== undefined) throw new NamespaceNotFoundError(ns);
}

/** For calls that address one workflow execution: NotFound becomes WorkflowNotFoundError. */
export function rethrowWorkflowError(err: unknown, execution: ExecutionRef | undefined): never {
  rethrowKnown(err);
  if (err instanceof ServiceError && err.code === Code.NotFound) {
    throw new WorkflowNotFoundError(serverMessage(err) || "Workflow not found", execution?.workflowId ?? "", execution?.runId);
  }
  throw err;
}

/** For update calls: a deadline or cancellation of the call is its own error, the update may still run. */
export function rethrowUpdateError(err: unknown, execution: ExecutionRef | undefined): never {
  if (err instanceof ServiceError && (err.code === Code.DeadlineExceeded || err.code === Code.Canceled)) {
    throw new WorkflowUpdateRPCTimeoutOrCancelledError(serverMessage(err) || "Workflow update call timeout or cancelled", { cause: err });
  }
  rethrowWorkflowError(err, execution);
}

/** For async activity completion, as the official AsyncCompletionClient maps them. */
export function rethrowActivityError(err: unknown): never {
  rethrowKnown(err);
  if (err instanceof ServiceError) {
    if (err.code === Code.NotFound) throw new ActivityNotFoundError(serverMessage(err) || "Not found");
    throw new ActivityCompletionError(serverMessage(err) || err.message, { cause: err });
  }
  throw new ActivityCompletionError("Unexpected failure", { cause: err });
}

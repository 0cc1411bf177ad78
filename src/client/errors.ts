// The client's typed errors, with the names, fields and meanings of
// @temporalio/client and @temporalio/common, so `catch` blocks written for the
// official client port over. Failures coming from the RPC layer itself stay the
// connection's ServiceError (src/common/errors.ts).
import type { Code } from "../common/errors.ts";
import type { RetryState } from "../failure/enums.ts";

/** The workflow closed unsuccessfully; `cause` is the decoded failure (ApplicationFailure, CancelledFailure, ...). */
export class WorkflowFailedError extends Error {
  override readonly name = "WorkflowFailedError";
  override readonly cause: Error | undefined;
  readonly retryState: RetryState;

  constructor(message: string, cause: Error | undefined, retryState: RetryState) {
    super(message, { cause });
    this.cause = cause;
    this.retryState = retryState;
  }
}

/** The run ended with continue-as-new while `followRuns` was false. */
export class WorkflowContinuedAsNewError extends Error {
  override readonly name = "WorkflowContinuedAsNewError";
  constructor(
    message: string,
    readonly newExecutionRunId: string,
  ) {
    super(message);
  }
}

/** No workflow execution has this id (and run id, when given) in the namespace. */
export class WorkflowNotFoundError extends Error {
  override readonly name = "WorkflowNotFoundError";
  constructor(
    message: string,
    readonly workflowId: string,
    readonly runId: string | undefined,
  ) {
    super(message);
  }
}

/** A start was refused because an execution with this workflow id is running (or the reuse policy forbids it). */
export class WorkflowExecutionAlreadyStartedError extends Error {
  override readonly name = "WorkflowExecutionAlreadyStartedError";
  constructor(
    message: string,
    readonly workflowId: string,
    readonly workflowType: string,
  ) {
    super(message);
  }
}

/** The namespace the client uses does not exist on the server. */
export class NamespaceNotFoundError extends Error {
  override readonly name = "NamespaceNotFoundError";
  constructor(readonly namespace: string) {
    super(`Namespace not found: '${namespace}': create it (temporal operator namespace create) or set the client's namespace`);
  }
}

/** The server refused the query because of the client's queryRejectCondition; `status` is the execution status. */
export class QueryRejectedError extends Error {
  override readonly name = "QueryRejectedError";
  constructor(readonly status: number) {
    super("Query rejected");
  }
}

/** The workflow has no handler for this query type (the worker answered with an error). */
export class QueryNotRegisteredError extends Error {
  override readonly name = "QueryNotRegisteredError";
  constructor(
    message: string,
    readonly code: Code,
  ) {
    super(message);
  }
}

/** The update was rejected by its validator, or its handler failed; `cause` is the decoded failure. */
export class WorkflowUpdateFailedError extends Error {
  override readonly name = "WorkflowUpdateFailedError";
  override readonly cause: Error | undefined;
  constructor(message: string, cause: Error | undefined) {
    super(message, { cause });
    this.cause = cause;
  }
}

/** The update call itself timed out or was cancelled; the update may still run. */
export class WorkflowUpdateRPCTimeoutOrCancelledError extends Error {
  override readonly name = "WorkflowUpdateRPCTimeoutOrCancelledError";
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
  }
}

/** Async completion: the activity is unknown to the server (wrong token or ids, or already finished). */
export class ActivityNotFoundError extends Error {
  override readonly name = "ActivityNotFoundError";
}

/** Async completion failed for a reason other than ActivityNotFoundError. */
export class ActivityCompletionError extends Error {
  override readonly name = "ActivityCompletionError";
}

/** Thrown by heartbeat when the workflow asked to cancel the activity. */
export class ActivityCancelledError extends Error {
  override readonly name = "ActivityCancelledError";
}

/** Thrown by heartbeat when the activity has been paused. */
export class ActivityPausedError extends Error {
  override readonly name = "ActivityPausedError";
}

/** Thrown by heartbeat when the activity has been reset. */
export class ActivityResetError extends Error {
  override readonly name = "ActivityResetError";
}

import type { DoBackoff } from "../../gen/temporal/sdk/core/activity_result/activity_result_pb.ts";
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure, NexusOperationFailure, TemporalFailure } from "../failure/index.ts";
import { markFailureClass } from "../failure/instance-of.ts";

/** Base class of the errors workflow code can get from this API, as in @temporalio/workflow. */
export class WorkflowError extends Error {
  override readonly name: string = "WorkflowError";
}

/** Workflow code did something that cannot be replayed deterministically. */
export class DeterminismViolationError extends WorkflowError {
  override readonly name: string = "DeterminismViolationError";
}

/** An API was used where it cannot work, e.g. a workflow function outside a workflow run. */
export class IllegalStateError extends Error {
  override readonly name: string = "IllegalStateError";
}

/**
 * Whether `err` means "cancelled": a CancelledFailure, or an activity, child
 * workflow or Nexus operation failure caused by one.
 */
export function isCancellation(err: unknown): boolean {
  return (
    err instanceof CancelledFailure ||
    ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure || err instanceof NexusOperationFailure) &&
      err.cause instanceof CancelledFailure)
  );
}

/**
 * A child workflow could not start because an execution with its workflow id
 * already exists (and the id reuse policy forbids another). A TemporalFailure,
 * as in @temporalio/common: uncaught, it fails the workflow, not its task.
 */
export class WorkflowExecutionAlreadyStartedError extends TemporalFailure {
  constructor(
    message: string,
    readonly workflowId: string,
    readonly workflowType: string,
  ) {
    super(message);
  }
}
markFailureClass(WorkflowExecutionAlreadyStartedError, "WorkflowExecutionAlreadyStartedError");

/**
 * A local activity attempt failed and its retry waits longer than the local
 * retry threshold: the runtime sleeps for `backoff.backoffDuration` (a durable
 * timer) and schedules the next attempt. Workflow code never sees it.
 */
export class LocalActivityDoBackoff extends Error {
  override readonly name = "LocalActivityDoBackoff";
  constructor(readonly backoff: DoBackoff) {
    super("local activity backoff");
  }
}

/**
 * Workflow code left a promise rejection unhandled. As with the official
 * worker, the activation (and every later one of the run) fails, so the
 * workflow task fails and is retried: a forgotten `await` or `.catch` in
 * workflow code must not pass silently.
 */
export class UnhandledRejectionError extends Error {
  override readonly name = "UnhandledRejectionError";
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

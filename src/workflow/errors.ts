import { ActivityFailure, CancelledFailure, ChildWorkflowFailure, NexusOperationFailure } from "../failure/index.ts";

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

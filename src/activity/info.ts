// What an activity knows about itself: the same shape as @temporalio/activity's
// Info, so activity code moved from the official SDK reads the same fields.

/** The retry policy the server applies to this activity, durations in milliseconds. */
export interface RetryPolicy {
  backoffCoefficient?: number;
  initialInterval?: number;
  maximumAttempts?: number;
  maximumInterval?: number;
  nonRetryableErrorTypes?: string[];
}

/** Task-queue priority and fairness the activity was scheduled with. */
export interface Priority {
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

export interface Info {
  /** Identifies this attempt to the server; used for asynchronous completion. */
  readonly taskToken: Uint8Array;
  /** `taskToken` in base64. */
  readonly base64TaskToken: string;
  readonly activityId: string;
  /** The name the activity was scheduled under (the key in the worker's `activities`). */
  readonly activityType: string;
  /** @deprecated use `namespace` */
  readonly activityNamespace: string;
  /** 1 for the first attempt, then one more for each retry. */
  readonly attempt: number;
  /** Always false here: this worker runs remote activities. */
  readonly isLocal: boolean;
  /** The workflow that scheduled the activity; absent for a standalone activity. */
  readonly workflowExecution?: { readonly workflowId: string; readonly runId: string };
  /** @deprecated use `namespace` */
  readonly workflowNamespace?: string;
  readonly workflowType?: string;
  /** When the first attempt was scheduled (ms since the epoch). */
  readonly scheduledTimestampMs: number;
  readonly scheduleToCloseTimeoutMs: number;
  readonly startToCloseTimeoutMs: number;
  /** When this attempt was scheduled (ms since the epoch). */
  readonly currentAttemptScheduledTimestampMs: number;
  /** Absent when the activity was scheduled without a heartbeat timeout. */
  readonly heartbeatTimeoutMs?: number;
  /** The details of the last heartbeat of a previous attempt, decoded; undefined on a first attempt. */
  // biome-ignore lint/suspicious/noExplicitAny: the official type is `any`, so user code reads fields without casts.
  readonly heartbeatDetails: any;
  readonly taskQueue: string;
  readonly priority?: Priority;
  readonly retryPolicy?: RetryPolicy;
  readonly namespace: string;
  /** Only for activities started outside a workflow. */
  readonly activityRunId?: string;
  readonly inWorkflow: boolean;
}

/**
 * Why an activity was cancelled, as @temporalio/common's
 * ActivityCancellationDetails: several flags may be set at once (a heartbeat
 * answer can say both cancel-requested and paused).
 */
export class ActivityCancellationDetails {
  readonly notFound: boolean;
  readonly cancelRequested: boolean;
  readonly paused: boolean;
  readonly timedOut: boolean;
  readonly workerShutdown: boolean;
  readonly reset: boolean;

  constructor(options: ActivityCancellationDetailsOptions = {}) {
    this.notFound = options.notFound ?? false;
    this.cancelRequested = options.cancelRequested ?? false;
    this.paused = options.paused ?? false;
    this.timedOut = options.timedOut ?? false;
    this.workerShutdown = options.workerShutdown ?? false;
    this.reset = options.reset ?? false;
  }
}

export interface ActivityCancellationDetailsOptions {
  notFound?: boolean;
  cancelRequested?: boolean;
  paused?: boolean;
  timedOut?: boolean;
  workerShutdown?: boolean;
  reset?: boolean;
}

/** The cancellation reasons of sdk-core's ActivityCancelReason, used as the CancelledFailure message. */
export type ActivityCancelReason = "NOT_FOUND" | "CANCELLED" | "TIMED_OUT" | "WORKER_SHUTDOWN" | "PAUSED" | "RESET";

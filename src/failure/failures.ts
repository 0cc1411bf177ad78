// The failure classes that cross workflow and activity boundaries, with the
// names, fields and factories of @temporalio/common so code written against
// the official SDK catches and throws them unchanged.
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { Duration } from "../common/duration.ts";
import type { ApplicationFailureCategory, RetryState, TimeoutType } from "./enums.ts";
import { markFailureClass } from "./instance-of.ts";

/** The `workflowId` and `runId` of a workflow execution. */
export interface WorkflowExecution {
  workflowId: string;
  runId?: string | undefined;
}

/**
 * The base of every failure that crosses workflow and activity boundaries.
 * Throw only ApplicationFailure from user code; the others come from Temporal.
 */
export class TemporalFailure extends Error {
  override readonly cause: Error | undefined;
  /** The Failure proto this error was decoded from, when it came from outside; re-encoding sends it unchanged. */
  failure?: Failure;

  constructor(message?: string | null, cause?: Error) {
    super(message ?? undefined);
    this.cause = cause;
  }

  /** `instanceof` that also recognises instances from another copy of this module or from @temporalio/common. */
  static is<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    return value instanceof this;
  }
}
markFailureClass(TemporalFailure, "TemporalFailure");

/** A failure that originated in the Temporal service. */
export class ServerFailure extends TemporalFailure {
  readonly nonRetryable: boolean;

  constructor(message: string | undefined, nonRetryable: boolean, cause?: Error) {
    super(message, cause);
    this.nonRetryable = nonRetryable;
  }
}
markFailureClass(ServerFailure, "ServerFailure");

export interface ApplicationFailureOptions {
  message?: string;
  /** Matched against RetryPolicy.nonRetryableErrorTypes. */
  type?: string;
  /** Stops retries of the activity or workflow regardless of the retry policy. Default false. */
  nonRetryable?: boolean;
  /** Serialized with the payload converter. */
  details?: unknown[];
  /** Overrides the retry policy's delay before the next attempt. */
  nextRetryDelay?: Duration;
  cause?: Error;
  category?: ApplicationFailureCategory;
}

/** An application-specific failure of a workflow or activity, the one failure user code throws. */
export class ApplicationFailure extends TemporalFailure {
  readonly type: string | undefined | null;
  readonly nonRetryable: boolean | undefined | null;
  readonly details: unknown[] | undefined | null;
  readonly nextRetryDelay: Duration | undefined | null;
  readonly category: ApplicationFailureCategory | undefined | null;

  /** Prefer ApplicationFailure.create, retryable or nonRetryable. */
  constructor(
    message?: string | null,
    type?: string | null,
    nonRetryable?: boolean | null,
    details?: unknown[] | null,
    cause?: Error,
    nextRetryDelay?: Duration | null,
    category?: ApplicationFailureCategory | null,
  ) {
    super(message, cause);
    this.type = type;
    this.nonRetryable = nonRetryable;
    this.details = details;
    this.nextRetryDelay = nextRetryDelay;
    this.category = category;
  }

  /** Converts `error` with ensureApplicationFailure, then applies `overrides`. */
  static fromError(error: unknown, overrides?: ApplicationFailureOptions): ApplicationFailure {
    const failure = ensureApplicationFailure(error);
    if (overrides) Object.assign(failure, overrides);
    return failure;
  }

  /** A new ApplicationFailure, retryable unless `nonRetryable` is set. */
  static create(options: ApplicationFailureOptions): ApplicationFailure {
    const { message, type, nonRetryable = false, details, nextRetryDelay, cause, category } = options;
    return new this(message, type, nonRetryable, details, cause, nextRetryDelay, category);
  }

  /** A retryable failure; `type` defaults to "Error". */
  static retryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? "Error", false, details);
  }

  /** A failure that ends the activity or workflow without further retries; `type` defaults to "Error". */
  static nonRetryable(message?: string | null, type?: string | null, ...details: unknown[]): ApplicationFailure {
    return new this(message, type ?? "Error", true, details);
  }
}
markFailureClass(ApplicationFailure, "ApplicationFailure");

/** Thrown when cancellation was requested; the cause of a cancelled workflow or activity. */
export class CancelledFailure extends TemporalFailure {
  readonly details: unknown[];

  constructor(message: string | undefined, details: unknown[] = [], cause?: Error) {
    super(message, cause);
    this.details = details;
  }
}
markFailureClass(CancelledFailure, "CancelledFailure");

/** The cause when a workflow was terminated. */
export class TerminatedFailure extends TemporalFailure {
  constructor(message: string | undefined, cause?: Error) {
    super(message, cause);
  }
}
markFailureClass(TerminatedFailure, "TerminatedFailure");

/** A timeout of an activity or workflow. */
export class TimeoutFailure extends TemporalFailure {
  readonly lastHeartbeatDetails: unknown;
  readonly timeoutType: TimeoutType | undefined;

  constructor(message: string | undefined, lastHeartbeatDetails: unknown, timeoutType: TimeoutType | undefined) {
    super(message);
    this.lastHeartbeatDetails = lastHeartbeatDetails;
    this.timeoutType = timeoutType;
  }
}
markFailureClass(TimeoutFailure, "TimeoutFailure");

/** An activity failed; `cause` holds why (an ApplicationFailure, TimeoutFailure, CancelledFailure...). */
export class ActivityFailure extends TemporalFailure {
  readonly activityType: string;
  readonly activityId: string | undefined;
  readonly retryState: RetryState | undefined;
  readonly identity: string | undefined;

  constructor(
    message: string | undefined,
    activityType: string,
    activityId: string | undefined,
    retryState: RetryState | undefined,
    identity: string | undefined,
    cause?: Error,
  ) {
    super(message, cause);
    this.activityType = activityType;
    this.activityId = activityId;
    this.retryState = retryState;
    this.identity = identity;
  }
}
markFailureClass(ActivityFailure, "ActivityFailure");

/** A child workflow failed; `cause` holds why. */
export class ChildWorkflowFailure extends TemporalFailure {
  readonly namespace: string | undefined;
  readonly execution: WorkflowExecution;
  readonly workflowType: string;
  readonly retryState: RetryState | undefined;

  constructor(
    namespace: string | undefined,
    execution: WorkflowExecution,
    workflowType: string,
    retryState: RetryState | undefined,
    cause?: Error,
  ) {
    super("Child Workflow execution failed", cause);
    this.namespace = namespace;
    this.execution = execution;
    this.workflowType = workflowType;
    this.retryState = retryState;
  }
}
markFailureClass(ChildWorkflowFailure, "ChildWorkflowFailure");

/** A Nexus operation called from a workflow failed; `cause` holds why. */
export class NexusOperationFailure extends TemporalFailure {
  readonly scheduledEventId: number | undefined;
  readonly endpoint: string;
  readonly service: string;
  readonly operation: string;
  readonly operationToken: string | undefined;

  constructor(
    message: string | undefined,
    scheduledEventId: number | undefined,
    endpoint: string,
    service: string,
    operation: string,
    operationToken: string | undefined,
    cause?: Error,
  ) {
    super(message, cause);
    this.scheduledEventId = scheduledEventId;
    this.endpoint = endpoint;
    this.service = service;
    this.operation = operation;
    this.operationToken = operationToken;
  }
}
markFailureClass(NexusOperationFailure, "NexusOperationFailure");

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Whether `value` looks like an Error (possibly from another realm). */
export function isError(value: unknown): value is Error {
  return (
    isRecord(value) &&
    typeof value.name === "string" &&
    typeof value.message === "string" &&
    (value.stack === undefined || value.stack === null || typeof value.stack === "string")
  );
}

/**
 * `error` itself when it is an ApplicationFailure; otherwise a new one with
 * its message, its class name as `type`, its stack, and its cause when that
 * is an Error.
 */
export function ensureApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  const record = isRecord(error) ? error : undefined;
  const message = (record && String(record.message)) || String(error);
  const ctorName = record && (record.constructor as { name?: unknown } | undefined)?.name;
  const type = (typeof ctorName === "string" && ctorName) || (record && typeof record.name === "string" ? record.name : undefined);
  const cause = record && isError(record.cause) ? record.cause : undefined;
  const failure = new ApplicationFailure(message, type || undefined, false, undefined, cause);
  failure.stack = (record && record.stack !== undefined && String(record.stack)) || "";
  return failure;
}

/** `err` when it is already a TemporalFailure, else ensureApplicationFailure(err). */
export function ensureTemporalFailure(err: unknown): TemporalFailure {
  return err instanceof TemporalFailure ? err : ensureApplicationFailure(err);
}

/** The message at the end of a TemporalFailure's cause chain, or the error's own message. */
export function rootCause(error: unknown): string | undefined {
  let current: unknown = error;
  // Bounded, so a cause cycle built by hand cannot hang the caller.
  for (let depth = 0; depth < 1_000 && current instanceof TemporalFailure && current.cause; depth++) {
    current = current.cause;
  }
  if (isError(current)) return current.message;
  return typeof current === "string" ? current : undefined;
}

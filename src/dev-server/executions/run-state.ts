import type { Header, Memo, Payloads, RetryPolicy, SearchAttributes } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { WorkflowExecutionStatus } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { Request as UpdateRequest, Outcome } from "../../../gen/temporal/api/update/v1/message_pb.ts";
import type { EventAttributes } from "../history/events.ts";

/** Identifies one run. */
export interface RunKey {
  namespace: string;
  workflowId: string;
  runId: string;
}

export interface ParentRef {
  namespace: string;
  namespaceId: string;
  workflowId: string;
  runId: string;
  initiatedEventId: bigint;
}

/**
 * The mutable state of one workflow run, as a real server keeps it: the
 * history, the in-flight workflow task, pending activities, timers,
 * children and updates. Live timers and waiters hang off it; a persistent
 * store would re-arm them from this data on load.
 */
export interface RunState {
  readonly key: RunKey;
  readonly namespaceId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly firstRunId: string;
  readonly originalRunId: string;
  status: WorkflowExecutionStatus;
  readonly startTimeMs: number;
  closeTimeMs: number | undefined;
  readonly history: HistoryEvent[];
  /** Events that arrived while a workflow task was started; written when it ends. */
  buffered: BufferedEvent[];
  readonly config: RunConfig;
  memo: Memo | undefined;
  searchAttributes: SearchAttributes | undefined;
  readonly parent: ParentRef | undefined;
  readonly root: { workflowId: string; runId: string };
  /** Request ids already applied (start, signal, cancel dedupe). */
  readonly requestIds: Set<string>;
  wft: WorkflowTaskState | undefined;
  /** WorkflowTaskStarted id of the last completed workflow task: what a sticky worker already has. */
  lastCompletedStartedEventId: bigint;
  sticky: { queue: string; scheduleToStartMs: number } | undefined;
  readonly activities: Map<bigint, ActivityState>;
  readonly timers: Map<string, { startedEventId: bigint; cancel: () => void }>;
  readonly children: Map<bigint, ChildState>;
  readonly updates: Map<string, UpdateState>;
  cancelRequested: boolean;
  /** Cancels run/execution timeout timers. */
  cancelTimeouts: (() => void) | undefined;
  /** Called whenever the history grows or the run closes (history long polls). */
  readonly watchers: Set<() => void>;
  /** Set when the run continued as new (or retried): the next run in the chain. */
  nextRunId: string | undefined;
}

/**
 * A buffered event; a function when its attributes refer to the id of an
 * event buffered just before it (e.g. ActivityTaskCompleted -> ActivityTaskStarted).
 */
export type BufferedEvent = EventAttributes | (() => EventAttributes);

export interface RunConfig {
  input: Payloads | undefined;
  header: Header | undefined;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  /** Absolute end of the whole chain (execution timeout), or 0. */
  executionExpiryMs: number;
  retryPolicy: RetryPolicy | undefined;
  attempt: number;
  identity: string;
}

export interface WorkflowTaskState {
  /** Bumped on every state change, so stale task tokens and queue entries are recognised. */
  generation: number;
  attempt: number;
  /** A retry of a failed task: its Scheduled/Started events stay out of history until it completes. */
  transient: boolean;
  /**
   * Scheduled only to deliver an update: like a transient task its events
   * stay out of history, and if the worker only rejects updates, they never
   * get in (a rejected update leaves no trace, as on a real server).
   */
  speculative: boolean;
  state: "scheduled" | "started";
  scheduledEventId: bigint;
  startedEventId: bigint;
  scheduledTimeMs: number;
  startedTimeMs: number;
  queue: string;
  identity: string;
  requestId: string;
  /** Update ids whose requests went out with this task. */
  deliveredUpdates: string[];
  cancelTimer: (() => void) | undefined;
}

export interface ActivityState {
  scheduledEventId: bigint;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input: Payloads | undefined;
  header: Header | undefined;
  scheduledTimeMs: number;
  attemptScheduledTimeMs: number;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: RetryPolicy;
  attempt: number;
  state: "scheduled" | "started" | "backoff";
  startedTimeMs: number;
  startedIdentity: string;
  startedRequestId: string;
  heartbeatDetails: Payloads | undefined;
  lastHeartbeatMs: number;
  lastFailure: Failure | undefined;
  cancelRequested: boolean;
  cancelRequestedEventId: bigint;
  /** Timers for the current attempt (schedule-to-start, start-to-close, heartbeat, backoff). */
  attemptTimers: Array<() => void>;
  cancelHeartbeatTimer: (() => void) | undefined;
  cancelScheduleToClose: (() => void) | undefined;
}

export interface ChildState {
  initiatedEventId: bigint;
  namespace: string;
  workflowId: string;
  workflowType: string;
  runId: string;
  startedEventId: bigint;
  parentClosePolicy: number;
}

export interface UpdateState {
  id: string;
  request: UpdateRequest;
  stage: "admitted" | "sent" | "accepted" | "completed";
  acceptedEventId: bigint;
  outcome: Outcome | undefined;
  /** Called on every stage change. */
  readonly listeners: Set<() => void>;
}

export function isOpen(run: RunState): boolean {
  return run.status === WorkflowExecutionStatus.RUNNING;
}

import type { Header, Memo, Payloads, RetryPolicy, SearchAttributes } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { ContinueAsNewInitiator, RetryState, WorkflowExecutionStatus } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { type EventAttributes, eventTypeOf } from "../history/events.ts";
import { newId } from "../ids.ts";
import type { NamespaceRecord } from "../store.ts";
import { duration, timestamp } from "../time.ts";
import { abandonActivities } from "./activities.ts";
import { applyParentClosePolicy, notifyParent } from "./children.ts";
import { writeEvent } from "./history-writer.ts";
import { isOpen, type ParentRef, type RunConfig, type RunState } from "./run-state.ts";
import { abandonUpdates } from "./updates.ts";
import { ensureWorkflowTask, finishWorkflowTask, scheduleWorkflowTask } from "./workflow-tasks.ts";

/** Workflow task timeout when the starter gives none, and its upper bound (as on a real server). */
const defaultTaskTimeoutMs = 10_000;
const maxTaskTimeoutMs = 120_000;

export interface StartRunOptions {
  namespace: NamespaceRecord;
  /** Given when the id must be known before the run starts (continue-as-new writes it first). */
  runId?: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input: Payloads | undefined;
  header: Header | undefined;
  memo: Memo | undefined;
  searchAttributes: SearchAttributes | undefined;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  retryPolicy: RetryPolicy | undefined;
  identity: string;
  requestId: string;
  parent?: ParentRef;
  root?: { workflowId: string; runId: string };
  /** Set for the next run of a continue-as-new (or retry) chain. */
  continued?: {
    previous: RunState;
    initiator: ContinueAsNewInitiator;
    failure?: Failure | undefined;
    lastCompletionResult?: Payloads | undefined;
    attempt: number;
  };
  /** Backoff before the first workflow task (a retried run). */
  firstTaskDelayMs?: number;
  /** Signal-with-start: the signal is written right after WorkflowExecutionStarted. */
  signal?: { name: string; input: Payloads | undefined; header: Header | undefined; identity: string };
}

export function startRun(ctx: EngineContext, options: StartRunOptions): RunState {
  const now = ctx.clock.now();
  const runId = options.runId ?? newId();
  const previous = options.continued?.previous;
  const taskTimeoutMs = Math.min(options.taskTimeoutMs || defaultTaskTimeoutMs, maxTaskTimeoutMs);
  const executionExpiryMs =
    previous?.config.executionExpiryMs ?? (options.executionTimeoutMs > 0 ? now + options.executionTimeoutMs : 0);
  const runTimeoutMs = options.runTimeoutMs > 0 ? options.runTimeoutMs : options.executionTimeoutMs;
  const config: RunConfig = {
    input: options.input,
    header: options.header,
    executionTimeoutMs: options.executionTimeoutMs,
    runTimeoutMs,
    taskTimeoutMs,
    executionExpiryMs,
    retryPolicy: options.retryPolicy,
    attempt: options.continued?.attempt ?? 1,
    identity: options.identity,
  };
  const run: RunState = {
    key: { namespace: options.namespace.name, workflowId: options.workflowId, runId },
    namespaceId: options.namespace.id,
    workflowType: options.workflowType,
    taskQueue: options.taskQueue,
    firstRunId: previous?.firstRunId ?? runId,
    originalRunId: runId,
    status: WorkflowExecutionStatus.RUNNING,
    startTimeMs: now,
    closeTimeMs: undefined,
    history: [],
    buffered: [],
    config,
    memo: options.memo,
    searchAttributes: options.searchAttributes,
    parent: options.parent ?? previous?.parent,
    root: options.root ?? previous?.root ?? { workflowId: options.workflowId, runId },
    requestIds: new Set(options.requestId ? [options.requestId] : []),
    wft: undefined,
    lastCompletedStartedEventId: 0n,
    sticky: undefined,
    activities: new Map(),
    timers: new Map(),
    children: new Map(),
    updates: new Map(),
    cancelRequested: false,
    cancelTimeouts: undefined,
    watchers: new Set(),
    nextRunId: undefined,
  };
  const parent = run.parent;
  writeEvent(ctx, run, {
    case: "workflowExecutionStartedEventAttributes",
    value: {
      workflowType: { name: options.workflowType },
      parentWorkflowNamespace: parent?.namespace ?? "",
      parentWorkflowNamespaceId: parent?.namespaceId ?? "",
      parentWorkflowExecution: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
      parentInitiatedEventId: parent?.initiatedEventId ?? 0n,
      taskQueue: { name: options.taskQueue, kind: TaskQueueKind.NORMAL },
      input: options.input,
      workflowExecutionTimeout: duration(options.executionTimeoutMs),
      workflowRunTimeout: duration(runTimeoutMs),
      workflowTaskTimeout: duration(taskTimeoutMs),
      continuedExecutionRunId: previous?.key.runId ?? "",
      initiator: options.continued?.initiator ?? ContinueAsNewInitiator.UNSPECIFIED,
      continuedFailure: options.continued?.failure,
      lastCompletionResult: options.continued?.lastCompletionResult,
      originalExecutionRunId: runId,
      identity: options.identity,
      firstExecutionRunId: run.firstRunId,
      retryPolicy: options.retryPolicy,
      attempt: config.attempt,
      workflowExecutionExpirationTime: executionExpiryMs > 0 ? timestamp(executionExpiryMs) : undefined,
      memo: options.memo,
      searchAttributes: options.searchAttributes,
      header: options.header,
      workflowId: options.workflowId,
      rootWorkflowExecution: { workflowId: run.root.workflowId, runId: run.root.runId },
      firstWorkflowTaskBackoff: options.firstTaskDelayMs ? duration(options.firstTaskDelayMs) : undefined,
    },
  });
  if (options.signal !== undefined) {
    writeEvent(ctx, run, {
      case: "workflowExecutionSignaledEventAttributes",
      value: { signalName: options.signal.name, input: options.signal.input, identity: options.signal.identity, header: options.signal.header },
    });
  }
  ctx.store.putRun(run);
  armRunTimeout(ctx, run);
  const delayMs = options.firstTaskDelayMs ?? 0;
  if (delayMs > 0) {
    ctx.clock.schedule(now + delayMs, () => ensureWorkflowTask(ctx, run), true);
  } else {
    scheduleWorkflowTask(ctx, run, 1);
  }
  return run;
}

function armRunTimeout(ctx: EngineContext, run: RunState): void {
  const ends = [
    run.config.runTimeoutMs > 0 ? run.startTimeMs + run.config.runTimeoutMs : 0,
    run.config.executionExpiryMs,
  ].filter((t) => t > 0);
  if (ends.length === 0) return;
  run.cancelTimeouts = ctx.clock.schedule(
    Math.min(...ends),
    () => {
      if (!isOpen(run)) return;
      closeRun(ctx, run, {
        case: "workflowExecutionTimedOutEventAttributes",
        value: { retryState: RetryState.TIMEOUT },
      });
      ctx.clock.poke();
    },
    true,
  );
}

const statusByCloseEvent = new Map<EventType, WorkflowExecutionStatus>([
  [EventType.WORKFLOW_EXECUTION_COMPLETED, WorkflowExecutionStatus.COMPLETED],
  [EventType.WORKFLOW_EXECUTION_FAILED, WorkflowExecutionStatus.FAILED],
  [EventType.WORKFLOW_EXECUTION_TIMED_OUT, WorkflowExecutionStatus.TIMED_OUT],
  [EventType.WORKFLOW_EXECUTION_CANCELED, WorkflowExecutionStatus.CANCELED],
  [EventType.WORKFLOW_EXECUTION_TERMINATED, WorkflowExecutionStatus.TERMINATED],
  [EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW, WorkflowExecutionStatus.CONTINUED_AS_NEW],
]);

/**
 * Writes the close event and tears the run down: its task, timers and
 * activities end, pending updates fail, the parent hears of it and the
 * parent close policy applies to its children.
 */
export function closeRun(ctx: EngineContext, run: RunState, attributes: EventAttributes): void {
  const status = statusByCloseEvent.get(eventTypeOf(attributes.case));
  if (status === undefined) throw new Error(`${attributes.case} does not close a run`);
  finishWorkflowTask(run);
  run.buffered = [];
  run.sticky = undefined;
  run.status = status;
  run.closeTimeMs = ctx.clock.now();
  const closeEvent = writeEvent(ctx, run, attributes);
  run.cancelTimeouts?.();
  for (const timer of run.timers.values()) timer.cancel();
  run.timers.clear();
  abandonActivities(run);
  abandonUpdates(run);
  ctx.store.runClosed(run);
  if (status !== WorkflowExecutionStatus.CONTINUED_AS_NEW) {
    notifyParent(ctx, run, closeEvent);
    applyParentClosePolicy(ctx, run);
  }
  ctx.clock.poke();
}

/** Terminates a run (TerminateWorkflowExecution, parent close policy, TERMINATE_EXISTING). */
export function terminateRun(ctx: EngineContext, run: RunState, reason: string, details: Payloads | undefined, identity: string): void {
  if (run.wft?.state === "started") {
    const wft = run.wft;
    if (!wft.transient) {
      writeEvent(ctx, run, {
        case: "workflowTaskFailedEventAttributes",
        value: { scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, cause: WorkflowTaskFailedCause.FORCE_CLOSE_COMMAND, identity: ctx.identity },
      });
    }
  }
  closeRun(ctx, run, { case: "workflowExecutionTerminatedEventAttributes", value: { reason, details, identity } });
}

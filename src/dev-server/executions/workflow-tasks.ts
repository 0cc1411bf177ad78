import { create } from "@bufbuild/protobuf";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { TimeoutType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import {
  type PollWorkflowTaskQueueResponse,
  PollWorkflowTaskQueueResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type EngineContext, queueKey } from "../engine-context.ts";
import { makeEvent } from "../history/events.ts";
import { newId } from "../ids.ts";
import { duration, timestamp } from "../time.ts";
import { encodeToken } from "../tokens.ts";
import { flushBuffered, nextEventId, writeEvent } from "./history-writer.ts";
import { type RunState, isOpen, type WorkflowTaskState } from "./run-state.ts";
import { returnUndelivered, updateMessages } from "./updates.ts";

/** A sticky queue counts as alive while its worker polled it this recently. */
const stickyLivenessMs = 10_000;

/** Schedules the first attempt of a workflow task unless one is already scheduled or started. */
export function ensureWorkflowTask(ctx: EngineContext, run: RunState, speculative = false): void {
  if (!isOpen(run) || run.wft !== undefined) return;
  scheduleWorkflowTask(ctx, run, 1, speculative);
}

/**
 * Schedules a workflow task. Attempts after the first are transient: their
 * Scheduled and Started events are shown to the worker but written to
 * history only if the task completes, so a workflow task failing in a loop
 * does not grow the history.
 */
export function scheduleWorkflowTask(ctx: EngineContext, run: RunState, attempt: number, speculative = false): void {
  const sticky = stickyQueue(ctx, run);
  const queue = sticky ?? run.taskQueue;
  const wft: WorkflowTaskState = {
    generation: (run.wft?.generation ?? run.history.length) + 1,
    attempt,
    transient: attempt > 1 || speculative,
    speculative,
    state: "scheduled",
    scheduledEventId: 0n,
    startedEventId: 0n,
    scheduledTimeMs: ctx.clock.now(),
    startedTimeMs: 0,
    queue,
    identity: "",
    requestId: "",
    deliveredUpdates: [],
    cancelTimer: undefined,
  };
  run.wft = wft;
  if (!wft.transient) wft.scheduledEventId = writeEvent(ctx, run, scheduledAttributes(run, wft)).eventId;
  if (sticky !== undefined && run.sticky !== undefined) {
    const generation = wft.generation;
    wft.cancelTimer = ctx.clock.schedule(
      ctx.clock.now() + run.sticky.scheduleToStartMs,
      () => stickyTimedOut(ctx, run, generation),
      false,
    );
  }
  dispatch(ctx, run, wft);
}

/**
 * Converts a scheduled transient task into an ordinary one when a new event
 * arrives, so the new event is followed by a written WorkflowTaskScheduled.
 */
export function makeScheduledTaskDurable(ctx: EngineContext, run: RunState): void {
  const wft = run.wft;
  if (wft === undefined || wft.state !== "scheduled" || !wft.transient) return;
  wft.transient = false;
  wft.speculative = false;
  wft.attempt = 1;
  wft.scheduledTimeMs = ctx.clock.now();
  wft.scheduledEventId = writeEvent(ctx, run, scheduledAttributes(run, wft)).eventId;
}

function scheduledAttributes(run: RunState, wft: WorkflowTaskState) {
  const sticky = wft.queue !== run.taskQueue;
  return {
    case: "workflowTaskScheduledEventAttributes" as const,
    value: {
      taskQueue: sticky
        ? { name: wft.queue, kind: TaskQueueKind.STICKY, normalName: run.taskQueue }
        : { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      startToCloseTimeout: duration(run.config.taskTimeoutMs),
      attempt: wft.attempt,
    },
  };
}

function stickyQueue(ctx: EngineContext, run: RunState): string | undefined {
  const sticky = run.sticky;
  if (sticky === undefined) return undefined;
  const key = queueKey(run.key.namespace, sticky.queue);
  // A retired queue's worker shut down; it may still have completed a task with sticky attributes since.
  const alive =
    !ctx.workflowTasks.isRetired(key) &&
    (ctx.workflowTasks.hasWaitingPoller(key) ||
      ctx.workflowTasks.pollers(key).some((p) => Date.now() - p.lastAccessTime < stickyLivenessMs));
  if (!alive) run.sticky = undefined;
  return alive ? sticky.queue : undefined;
}

function dispatch(ctx: EngineContext, run: RunState, wft: WorkflowTaskState): void {
  const generation = wft.generation;
  ctx.workflowTasks.add(queueKey(run.key.namespace, wft.queue), {
    claim: (identity) => claim(ctx, run, generation, identity),
  });
}

function claim(ctx: EngineContext, run: RunState, generation: number, identity: string): PollWorkflowTaskQueueResponse | undefined {
  const wft = run.wft;
  if (!isOpen(run) || wft === undefined || wft.generation !== generation || wft.state !== "scheduled") return undefined;
  wft.cancelTimer?.();
  wft.state = "started";
  wft.generation++;
  wft.identity = identity;
  wft.requestId = newId();
  wft.startedTimeMs = ctx.clock.now();
  if (wft.transient) {
    wft.scheduledEventId = nextEventId(run);
    wft.startedEventId = wft.scheduledEventId + 1n;
  } else {
    wft.startedEventId = writeEvent(ctx, run, startedAttributes(run, wft)).eventId;
  }
  const started = wft.generation;
  wft.cancelTimer = ctx.clock.schedule(
    wft.startedTimeMs + run.config.taskTimeoutMs,
    () => timedOut(ctx, run, started),
    false,
  );
  const sticky = wft.queue !== run.taskQueue;
  const from = sticky ? run.lastCompletedStartedEventId + 1n : 1n;
  const events: HistoryEvent[] = run.history.filter((e) => e.eventId >= from);
  if (wft.transient) events.push(...transientEvents(run, wft));
  const messages = updateMessages(run, wft);
  return create(PollWorkflowTaskQueueResponseSchema, {
    taskToken: encodeToken({ kind: "workflow", ...run.key, generation: wft.generation }),
    workflowExecution: { workflowId: run.key.workflowId, runId: run.key.runId },
    workflowType: { name: run.workflowType },
    previousStartedEventId: run.lastCompletedStartedEventId,
    startedEventId: wft.startedEventId,
    attempt: wft.attempt,
    history: { events },
    workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
    scheduledTime: timestamp(wft.scheduledTimeMs),
    startedTime: timestamp(wft.startedTimeMs),
    messages,
  });
}

function startedAttributes(run: RunState, wft: WorkflowTaskState) {
  return {
    case: "workflowTaskStartedEventAttributes" as const,
    value: {
      scheduledEventId: wft.scheduledEventId,
      identity: wft.identity,
      requestId: wft.requestId,
      historySizeBytes: BigInt(run.history.length * 256),
    },
  };
}

/** The Scheduled/Started pair of a transient task, as shown to the worker. */
function transientEvents(run: RunState, wft: WorkflowTaskState): HistoryEvent[] {
  return [
    makeEvent(wft.scheduledEventId, wft.scheduledTimeMs, scheduledAttributes(run, wft)),
    makeEvent(wft.startedEventId, wft.startedTimeMs, startedAttributes(run, wft)),
  ];
}

/** Writes the Scheduled/Started events of a transient task that is completing. */
export function persistTransient(ctx: EngineContext, run: RunState, wft: WorkflowTaskState): void {
  if (!wft.transient) return;
  writeEvent(ctx, run, scheduledAttributes(run, wft), wft.scheduledTimeMs);
  writeEvent(ctx, run, startedAttributes(run, wft), wft.startedTimeMs);
  wft.transient = false;
}

/** Ends a started task: timer off, state cleared. */
export function finishWorkflowTask(run: RunState): WorkflowTaskState | undefined {
  const wft = run.wft;
  wft?.cancelTimer?.();
  run.wft = undefined;
  return wft;
}

/**
 * Fails the started workflow task (worker-reported failure, malformed
 * command, unhandled command) and schedules the next attempt on the normal
 * queue: stickiness ends, because the worker's cache can't be trusted.
 */
export function failWorkflowTask(
  ctx: EngineContext,
  run: RunState,
  cause: WorkflowTaskFailedCause,
  failure: Failure | undefined,
  identity: string,
): void {
  const wft = finishWorkflowTask(run);
  if (wft === undefined) return;
  if (!wft.transient) {
    writeEvent(ctx, run, {
      case: "workflowTaskFailedEventAttributes",
      value: { scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, cause, failure, identity },
    });
  }
  retry(ctx, run, wft);
}

function retry(ctx: EngineContext, run: RunState, wft: WorkflowTaskState): void {
  run.sticky = undefined;
  returnUndelivered(run, wft);
  const hadNewEvents = flushBuffered(ctx, run);
  if (isOpen(run)) scheduleWorkflowTask(ctx, run, hadNewEvents ? 1 : wft.attempt + 1);
}

function timedOut(ctx: EngineContext, run: RunState, generation: number): void {
  const wft = run.wft;
  if (wft === undefined || wft.generation !== generation || !isOpen(run)) return;
  finishWorkflowTask(run);
  if (!wft.transient) {
    writeEvent(ctx, run, {
      case: "workflowTaskTimedOutEventAttributes",
      value: { scheduledEventId: wft.scheduledEventId, startedEventId: wft.startedEventId, timeoutType: TimeoutType.START_TO_CLOSE },
    });
  }
  retry(ctx, run, wft);
  ctx.clock.poke();
}

/** The sticky worker did not pick the task up in time: time it out and use the normal queue. */
function stickyTimedOut(ctx: EngineContext, run: RunState, generation: number): void {
  const wft = run.wft;
  if (wft === undefined || wft.generation !== generation || wft.state !== "scheduled" || !isOpen(run)) return;
  run.wft = undefined;
  run.sticky = undefined;
  writeEvent(ctx, run, {
    case: "workflowTaskTimedOutEventAttributes",
    value: { scheduledEventId: wft.scheduledEventId, timeoutType: TimeoutType.SCHEDULE_TO_START },
  });
  scheduleWorkflowTask(ctx, run, 1);
  ctx.clock.poke();
}

/**
 * A sticky worker shut down: its scheduled tasks move to the normal queue at
 * once, without a timeout event, as when a real server finds the sticky
 * worker unavailable.
 */
export function releaseStickyQueue(ctx: EngineContext, namespace: string, stickyQueueName: string): void {
  const key = queueKey(namespace, stickyQueueName);
  ctx.workflowTasks.retire(key);
  for (const run of ctx.store.openRuns()) {
    if (run.key.namespace === namespace && run.sticky?.queue === stickyQueueName) unstick(ctx, run);
  }
}

/** Ends a run's stickiness (ResetStickyTaskQueue); a task waiting on the sticky queue moves to the normal one. */
export function unstick(ctx: EngineContext, run: RunState): void {
  run.sticky = undefined;
  const wft = run.wft;
  if (wft?.state !== "scheduled" || wft.queue === run.taskQueue) return;
  wft.cancelTimer?.();
  wft.cancelTimer = undefined;
  wft.queue = run.taskQueue;
  wft.generation++;
  dispatch(ctx, run, wft);
}

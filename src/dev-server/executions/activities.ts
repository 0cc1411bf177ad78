import { create } from "@bufbuild/protobuf";
import type { Payloads } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import type { ScheduleActivityTaskCommandAttributes } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { RetryState, TimeoutType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import {
  type PollActivityTaskQueueResponse,
  PollActivityTaskQueueResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type EngineContext, queueKey } from "../engine-context.ts";
import { newId } from "../ids.ts";
import { duration, timestamp } from "../time.ts";
import { encodeToken } from "../tokens.ts";
import type { EventAttributes } from "../history/events.ts";
import { addEvent, nextEventId, writeEvent } from "./history-writer.ts";
import { type ActivityState, isOpen, type RunState } from "./run-state.ts";
import { decideRetry, withDefaults } from "./retry-policy.ts";

/** Timeouts of a ScheduleActivityTask command after the server's defaulting rules. */
export interface ActivityTimeouts {
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
}

/**
 * Applies a real server's rules: schedule-to-close defaults to the run
 * timeout, schedule-to-start and start-to-close to schedule-to-close, and
 * none exceeds schedule-to-close. Returns a problem message when neither
 * start-to-close nor schedule-to-close is set.
 */
export function normalizeTimeouts(s2c: number, s2s: number, stc: number, hb: number, runTimeoutMs: number): ActivityTimeouts | string {
  if (s2c <= 0 && stc <= 0) return "a valid StartToClose or ScheduleToClose timeout is not set on ScheduleActivityTaskCommand";
  let scheduleToCloseMs = s2c > 0 ? s2c : runTimeoutMs;
  if (runTimeoutMs > 0 && scheduleToCloseMs > runTimeoutMs) scheduleToCloseMs = runTimeoutMs;
  const cap = (v: number) => (scheduleToCloseMs > 0 && (v <= 0 || v > scheduleToCloseMs) ? scheduleToCloseMs : v);
  return { scheduleToCloseMs, scheduleToStartMs: cap(s2s), startToCloseMs: cap(stc), heartbeatMs: hb > 0 ? cap(hb) : 0 };
}

export function scheduleActivity(
  ctx: EngineContext,
  run: RunState,
  attrs: ScheduleActivityTaskCommandAttributes,
  timeouts: ActivityTimeouts,
  wftCompletedEventId: bigint,
): void {
  const taskQueue = attrs.taskQueue?.name || run.taskQueue;
  const retryPolicy = withDefaults(attrs.retryPolicy);
  const event = writeEvent(ctx, run, {
    case: "activityTaskScheduledEventAttributes",
    value: {
      activityId: attrs.activityId,
      activityType: attrs.activityType,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.NORMAL },
      header: attrs.header,
      input: attrs.input,
      scheduleToCloseTimeout: duration(timeouts.scheduleToCloseMs),
      scheduleToStartTimeout: duration(timeouts.scheduleToStartMs),
      startToCloseTimeout: duration(timeouts.startToCloseMs),
      heartbeatTimeout: duration(timeouts.heartbeatMs),
      workflowTaskCompletedEventId: wftCompletedEventId,
      retryPolicy,
      priority: attrs.priority,
    },
  });
  const now = ctx.clock.now();
  const activity: ActivityState = {
    scheduledEventId: event.eventId,
    activityId: attrs.activityId,
    activityType: attrs.activityType?.name ?? "",
    taskQueue,
    input: attrs.input,
    header: attrs.header,
    scheduledTimeMs: now,
    attemptScheduledTimeMs: now,
    ...timeouts,
    retryPolicy,
    attempt: 1,
    state: "scheduled",
    startedTimeMs: 0,
    startedIdentity: "",
    startedRequestId: "",
    heartbeatDetails: undefined,
    lastHeartbeatMs: 0,
    lastFailure: undefined,
    cancelRequested: false,
    cancelRequestedEventId: 0n,
    attemptTimers: [],
    cancelHeartbeatTimer: undefined,
    cancelScheduleToClose: undefined,
  };
  run.activities.set(activity.scheduledEventId, activity);
  if (activity.scheduleToCloseMs > 0) {
    activity.cancelScheduleToClose = ctx.clock.schedule(
      now + activity.scheduleToCloseMs,
      () => timeOut(ctx, run, activity, activity.attempt, TimeoutType.SCHEDULE_TO_CLOSE),
      false,
    );
  }
  dispatchAttempt(ctx, run, activity);
}

function dispatchAttempt(ctx: EngineContext, run: RunState, activity: ActivityState): void {
  const attempt = activity.attempt;
  activity.state = "scheduled";
  activity.attemptScheduledTimeMs = ctx.clock.now();
  if (activity.scheduleToStartMs > 0 && activity.scheduleToStartMs < activity.scheduleToCloseMs) {
    activity.attemptTimers.push(
      ctx.clock.schedule(
        activity.attemptScheduledTimeMs + activity.scheduleToStartMs,
        () => {
          if (activity.state === "scheduled") timeOut(ctx, run, activity, attempt, TimeoutType.SCHEDULE_TO_START);
        },
        false,
      ),
    );
  }
  ctx.activityTasks.add(queueKey(run.key.namespace, activity.taskQueue), {
    claim: (identity) => claim(ctx, run, activity, attempt, identity),
  });
}

function claim(ctx: EngineContext, run: RunState, activity: ActivityState, attempt: number, identity: string): PollActivityTaskQueueResponse | undefined {
  if (!isOpen(run) || run.activities.get(activity.scheduledEventId) !== activity) return undefined;
  if (activity.attempt !== attempt || activity.state !== "scheduled") return undefined;
  clearAttemptTimers(activity);
  const now = ctx.clock.now();
  activity.state = "started";
  activity.startedTimeMs = now;
  activity.lastHeartbeatMs = now;
  activity.startedIdentity = identity;
  activity.startedRequestId = newId();
  if (activity.startToCloseMs > 0) {
    activity.attemptTimers.push(
      ctx.clock.schedule(now + activity.startToCloseMs, () => timeOut(ctx, run, activity, attempt, TimeoutType.START_TO_CLOSE), false),
    );
  }
  armHeartbeatTimer(ctx, run, activity);
  return create(PollActivityTaskQueueResponseSchema, {
    taskToken: encodeToken({ kind: "activity", ...run.key, scheduledEventId: String(activity.scheduledEventId), attempt }),
    workflowNamespace: run.key.namespace,
    workflowType: { name: run.workflowType },
    workflowExecution: { workflowId: run.key.workflowId, runId: run.key.runId },
    activityType: { name: activity.activityType },
    activityId: activity.activityId,
    header: activity.header,
    input: activity.input,
    heartbeatDetails: activity.heartbeatDetails,
    scheduledTime: timestamp(activity.scheduledTimeMs),
    currentAttemptScheduledTime: timestamp(activity.attemptScheduledTimeMs),
    startedTime: timestamp(now),
    attempt,
    scheduleToCloseTimeout: duration(activity.scheduleToCloseMs),
    startToCloseTimeout: duration(activity.startToCloseMs),
    heartbeatTimeout: duration(activity.heartbeatMs),
    retryPolicy: activity.retryPolicy,
  });
}

function armHeartbeatTimer(ctx: EngineContext, run: RunState, activity: ActivityState): void {
  activity.cancelHeartbeatTimer?.();
  activity.cancelHeartbeatTimer = undefined;
  if (activity.heartbeatMs <= 0) return;
  const attempt = activity.attempt;
  activity.cancelHeartbeatTimer = ctx.clock.schedule(
    activity.lastHeartbeatMs + activity.heartbeatMs,
    () => timeOut(ctx, run, activity, attempt, TimeoutType.HEARTBEAT),
    false,
  );
}

function clearAttemptTimers(activity: ActivityState): void {
  for (const cancel of activity.attemptTimers.splice(0)) cancel();
  activity.cancelHeartbeatTimer?.();
  activity.cancelHeartbeatTimer = undefined;
}

function clearAll(activity: ActivityState): void {
  clearAttemptTimers(activity);
  activity.cancelScheduleToClose?.();
}

/** Records a heartbeat; returns whether cancellation was requested. */
export function heartbeat(ctx: EngineContext, run: RunState, activity: ActivityState, details: Payloads | undefined): boolean {
  if (details !== undefined) activity.heartbeatDetails = details;
  activity.lastHeartbeatMs = ctx.clock.now();
  armHeartbeatTimer(ctx, run, activity);
  return activity.cancelRequested;
}

/** Writes ActivityTaskStarted (at close, as a real server does for activities with retries) and the closing event. */
function close(ctx: EngineContext, run: RunState, activity: ActivityState, closing: (startedEventId: bigint) => EventAttributes): void {
  clearAll(activity);
  run.activities.delete(activity.scheduledEventId);
  if (activity.state !== "started") {
    addEvent(ctx, run, closing(0n));
    return;
  }
  let startedEventId = 0n;
  addEvent(
    ctx,
    run,
    () => {
      startedEventId = nextEventId(run);
      return {
        case: "activityTaskStartedEventAttributes",
        value: {
          scheduledEventId: activity.scheduledEventId,
          identity: activity.startedIdentity,
          requestId: activity.startedRequestId,
          attempt: activity.attempt,
          lastFailure: activity.lastFailure,
        },
      };
    },
    () => closing(startedEventId),
  );
}

export function completeActivity(ctx: EngineContext, run: RunState, activity: ActivityState, result: Payloads | undefined, identity: string): void {
  close(ctx, run, activity, (startedEventId) => ({
    case: "activityTaskCompletedEventAttributes",
    value: { result, scheduledEventId: activity.scheduledEventId, startedEventId, identity },
  }));
}

export function cancelActivityByWorker(ctx: EngineContext, run: RunState, activity: ActivityState, details: Payloads | undefined, identity: string): void {
  close(ctx, run, activity, (startedEventId) => ({
    case: "activityTaskCanceledEventAttributes",
    value: { details, scheduledEventId: activity.scheduledEventId, startedEventId, identity, latestCancelRequestedEventId: activity.cancelRequestedEventId },
  }));
}

/** A worker reported failure: retry per policy, or record ActivityTaskFailed. */
export function failActivity(
  ctx: EngineContext,
  run: RunState,
  activity: ActivityState,
  failure: Failure | undefined,
  lastHeartbeatDetails: Payloads | undefined,
  identity: string,
): void {
  if (lastHeartbeatDetails !== undefined) activity.heartbeatDetails = lastHeartbeatDetails;
  const decision = decideRetry(activity.retryPolicy, activity.attempt, failure, ctx.clock.now(), deadline(activity));
  if (decision.retry && !activity.cancelRequested) {
    retryLater(ctx, run, activity, failure, decision.delayMs);
    return;
  }
  const retryState = decision.retry ? RetryState.CANCEL_REQUESTED : decision.state;
  activity.lastFailure = undefined;
  close(ctx, run, activity, (startedEventId) => ({
    case: "activityTaskFailedEventAttributes",
    value: { failure, scheduledEventId: activity.scheduledEventId, startedEventId, identity, retryState },
  }));
}

function deadline(activity: ActivityState): number {
  return activity.scheduleToCloseMs > 0 ? activity.scheduledTimeMs + activity.scheduleToCloseMs : 0;
}

function retryLater(ctx: EngineContext, run: RunState, activity: ActivityState, failure: Failure | undefined, delayMs: number): void {
  clearAttemptTimers(activity);
  activity.lastFailure = failure;
  activity.attempt++;
  activity.state = "backoff";
  const attempt = activity.attempt;
  activity.attemptTimers.push(
    ctx.clock.schedule(
      ctx.clock.now() + delayMs,
      () => {
        if (activity.attempt === attempt && activity.state === "backoff" && isOpen(run)) dispatchAttempt(ctx, run, activity);
        ctx.clock.poke();
      },
      true,
    ),
  );
}

function timeOut(ctx: EngineContext, run: RunState, activity: ActivityState, attempt: number, type: TimeoutType): void {
  if (!isOpen(run) || run.activities.get(activity.scheduledEventId) !== activity || activity.attempt !== attempt) return;
  const failure = create(FailureSchema, {
    message: `activity ${timeoutName(type)} timeout`,
    source: "Server",
    failureInfo: { case: "timeoutFailureInfo", value: { timeoutType: type, lastHeartbeatDetails: activity.heartbeatDetails } },
  });
  if (type === TimeoutType.START_TO_CLOSE || type === TimeoutType.HEARTBEAT) {
    const decision = decideRetry(activity.retryPolicy, activity.attempt, failure, ctx.clock.now(), deadline(activity));
    if (decision.retry) {
      retryLater(ctx, run, activity, failure, decision.delayMs);
      ctx.clock.poke();
      return;
    }
    timedOutEvent(ctx, run, activity, failure, decision.state);
  } else {
    if (activity.lastFailure !== undefined) failure.cause = activity.lastFailure;
    timedOutEvent(ctx, run, activity, failure, RetryState.TIMEOUT);
  }
  ctx.clock.poke();
}

function timedOutEvent(ctx: EngineContext, run: RunState, activity: ActivityState, failure: Failure, retryState: RetryState): void {
  close(ctx, run, activity, (startedEventId) => ({
    case: "activityTaskTimedOutEventAttributes",
    value: { failure, scheduledEventId: activity.scheduledEventId, startedEventId, retryState },
  }));
}

function timeoutName(type: TimeoutType): string {
  return { [TimeoutType.START_TO_CLOSE]: "StartToClose", [TimeoutType.SCHEDULE_TO_START]: "ScheduleToStart", [TimeoutType.SCHEDULE_TO_CLOSE]: "ScheduleToClose", [TimeoutType.HEARTBEAT]: "Heartbeat" }[type as number] ?? "Unspecified";
}

/**
 * RequestCancelActivityTask: an activity no worker holds is canceled at
 * once; a started one learns of it from its next heartbeat response.
 */
export function requestCancelActivity(ctx: EngineContext, run: RunState, activity: ActivityState, wftCompletedEventId: bigint): void {
  const event = writeEvent(ctx, run, {
    case: "activityTaskCancelRequestedEventAttributes",
    value: { scheduledEventId: activity.scheduledEventId, workflowTaskCompletedEventId: wftCompletedEventId },
  });
  activity.cancelRequestedEventId = event.eventId;
  activity.cancelRequested = true;
  if (activity.state !== "started") cancelActivityByWorker(ctx, run, activity, undefined, ctx.identity);
}

/** Stops every timer of the run's activities (the run closed). */
export function abandonActivities(run: RunState): void {
  for (const activity of run.activities.values()) clearAll(activity);
  run.activities.clear();
}

import { create } from "@bufbuild/protobuf";
import { durationFromMs, durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { TimeoutType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import { ActivityCancellationType } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { Context } from "../../activity/context.ts";
import { type ActivityCancelReason, ActivityCancellationDetails, type Info } from "../../activity/info.ts";
import type { LocalActivityOutcome, LocalActivityRequest, LocalActivityResolution, LocalActivitySink } from "../../engine/local-activity-requests.ts";
import { ApplicationFailure, CancelledFailure, ensureApplicationFailure, isError } from "../../failure/index.ts";
import { FAILURE_SOURCE } from "../../failure/source.ts";
import type { Logger } from "../../logging/types.ts";
import type { MetricMeter } from "../../metrics/types.ts";
import type { AsyncLocalStore } from "../../platform/platform.ts";
import type { ActivityConversion } from "../activity/conversion.ts";
import { errorMessage, withLogMeta } from "../common/logger-with-meta.ts";
import { localRetryDelayMs } from "./local-activity-retry.ts";

type ActivityFunction = (...args: unknown[]) => unknown;
type StartRequest = Extract<LocalActivityRequest, { kind: "start" }>;

/** sdk-core's default `localRetryThreshold`: longer backoffs go through a workflow timer. */
const DEFAULT_LOCAL_RETRY_THRESHOLD_MS = 60_000;

export interface LocalActivityExecutorOptions {
  namespace: string;
  taskQueue: string;
  /** The worker's activity functions by type (the `activities` option, shared with normal activities). */
  activities: ReadonlyMap<string, ActivityFunction>;
  conversion: ActivityConversion;
  /** The process's activity context store (`Context.current()`). */
  storage: AsyncLocalStore<Context>;
  logger: Logger;
  metrics: MetricMeter;
  /**
   * A resolution arrived while no task of its run waits for it: the worker
   * takes it (`takeResolutions`) into the run under the run's lock.
   */
  onResolutionBetweenTasks(runId: string): void;
}

/**
 * Runs local activities for the workflow worker, behind the engine's
 * LocalActivitySink (docs/replay.md, "Local activities"): each attempt in
 * this process with an activity Context, start-to-close and schedule-to-close
 * timeouts, local retries while the backoff stays within the command's
 * `localRetryThreshold` (longer ones are handed back to the workflow as a
 * backoff), and cancellation by the workflow or by eviction.
 */
export interface LocalActivityExecutor extends LocalActivitySink {
  /** The resolutions waiting for a run, taken once. */
  takeResolutions(runId: string): LocalActivityResolution[];
  /** The run left the cache: stop its local activities; nothing will be reported for them. */
  cancelRun(runId: string): void;
  /** Local activities in progress (running or backing off). */
  readonly running: number;
}

interface Execution {
  /** The workflow asked to cancel it. */
  cancel(): void;
  /** The run is gone: stop it without a report. */
  drop(): void;
}

interface RunState {
  executions: Map<number, Execution>;
  buffer: LocalActivityResolution[];
  waiter: ((resolutions: LocalActivityResolution[]) => void) | undefined;
}

type AttemptOutcome = LocalActivityOutcome | { case: "dropped" };

export function createLocalActivityExecutor(options: LocalActivityExecutorOptions): LocalActivityExecutor {
  const runs = new Map<string, RunState>();
  let running = 0;

  function stateOf(runId: string): RunState {
    let state = runs.get(runId);
    if (state === undefined) {
      state = { executions: new Map(), buffer: [], waiter: undefined };
      runs.set(runId, state);
    }
    return state;
  }

  function deliver(runId: string, state: RunState, resolution: LocalActivityResolution): void {
    // A run evicted (and maybe rebuilt) meanwhile has a new state: the old attempt's result is not its.
    if (runs.get(runId) !== state) return;
    state.buffer.push(resolution);
    if (state.waiter !== undefined) state.waiter(state.buffer.splice(0));
    else options.onResolutionBetweenTasks(runId);
  }

  function start(runId: string, request: StartRequest): void {
    const state = stateOf(runId);
    const { command } = request;
    const seq = command.seq;
    const startedAt = Date.now();
    const logger = withLogMeta(options.logger, {
      workflowId: request.workflowId,
      workflowRunId: runId,
      workflowType: request.workflowType,
      activityId: command.activityId,
      activityType: command.activityType,
      isLocal: true,
    });
    let cancelRequested = false;
    let dropped = false;
    let stopAttempt: ((reason: ActivityCancelReason) => void) | undefined;
    let wake: (() => void) | undefined;
    state.executions.set(seq, {
      cancel() {
        cancelRequested = true;
        stopAttempt?.("CANCELLED");
        wake?.();
      },
      drop() {
        dropped = true;
        stopAttempt?.("CANCELLED");
        wake?.();
      },
    });
    running++;

    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      running--;
      state.executions.delete(seq);
    };
    const finish = (outcome: LocalActivityOutcome, attempt: number, backoffMs?: number) => {
      settle();
      deliver(runId, state, {
        seq,
        outcome,
        attempt,
        runtimeMs: Date.now() - startedAt,
        originalScheduleTime: request.originalScheduleTime,
        ...(backoffMs !== undefined ? { backoff: durationFromMs(backoffMs) } : {}),
      });
    };

    const scheduledMs = timestampMs(request.originalScheduleTime);
    const scheduleToCloseMs = optionalMs(command.scheduleToCloseTimeout);
    const deadlineMs = scheduleToCloseMs === undefined ? undefined : scheduledMs + scheduleToCloseMs;
    const startToCloseMs = optionalMs(command.startToCloseTimeout) ?? scheduleToCloseMs;
    const thresholdMs = optionalMs(command.localRetryThreshold) ?? DEFAULT_LOCAL_RETRY_THRESHOLD_MS;

    async function loop(): Promise<void> {
      let attempt = Math.max(1, command.attempt);
      for (;;) {
        const remainingMs = deadlineMs === undefined ? undefined : deadlineMs - Date.now();
        if (remainingMs !== undefined && remainingMs <= 0) return finish(timedOut(TimeoutType.SCHEDULE_TO_CLOSE), attempt);
        const byScheduleToClose = remainingMs !== undefined && (startToCloseMs === undefined || remainingMs < startToCloseMs);
        const outcome = await runAttempt(attempt, byScheduleToClose ? remainingMs : startToCloseMs, byScheduleToClose);
        if (outcome.case === "dropped" || dropped) return;
        if (outcome.case === "completed" || outcome.case === "cancelled") return finish(outcome, attempt);
        if (outcome.case === "timedOut" && byScheduleToClose) return finish(outcome, attempt);
        // A failure, or a start-to-close timeout: retried as the policy says.
        const delayMs = cancelRequested ? undefined : localRetryDelayMs(command.retryPolicy, attempt, outcome.failure);
        if (delayMs === undefined || (deadlineMs !== undefined && Date.now() + delayMs >= deadlineMs)) return finish(outcome, attempt);
        if (delayMs > thresholdMs) return finish(outcome, attempt, delayMs);
        logger.debug("Local activity attempt failed; retrying it here after the backoff", { attempt, backoffMs: delayMs });
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
        if (dropped) return;
        if (cancelRequested) return finish({ case: "cancelled", failure: emptyCancel() }, attempt);
        attempt++;
      }
    }

    async function runAttempt(attempt: number, timeoutMs: number | undefined, byScheduleToClose: boolean): Promise<AttemptOutcome> {
      const fn = options.activities.get(command.activityType);
      if (fn === undefined) {
        return failed(
          ApplicationFailure.create({
            type: "NotFoundError",
            message: `Local activity function ${command.activityType} is not registered on this Worker, available activities: ${JSON.stringify([...options.activities.keys()])}`,
          }),
        );
      }
      let args: unknown[];
      try {
        args = await options.conversion.decodeArgs(command.arguments);
      } catch (err) {
        return failed(ApplicationFailure.fromError(err, { message: `Failed to parse arguments of local activity ${command.activityType}: ${errorMessage(err)}` }));
      }
      const controller = new AbortController();
      let reason: ActivityCancelReason | undefined;
      let details: ActivityCancellationDetails | undefined;
      let rejectCancelled: (err: CancelledFailure) => void = () => {};
      const cancelled = new Promise<never>((_, reject) => {
        rejectCancelled = reject;
      });
      cancelled.catch(() => {});
      // Settles the race below without the function when nobody waits for it to end.
      let stopWaiting: (outcome: AttemptOutcome) => void = () => {};
      const stopped = new Promise<AttemptOutcome>((resolve) => {
        stopWaiting = resolve;
      });
      stopAttempt = (why) => {
        if (reason !== undefined) return;
        reason = why;
        details = new ActivityCancellationDetails({ cancelRequested: why === "CANCELLED", timedOut: why === "TIMED_OUT" });
        const failure = new CancelledFailure(why);
        controller.abort(failure);
        rejectCancelled(failure);
        if (dropped) stopWaiting({ case: "dropped" });
        // WAIT_CANCELLATION_COMPLETED reports how the function ends; the other types do not wait for it.
        else if (why === "CANCELLED" && command.cancellationType !== ActivityCancellationType.WAIT_CANCELLATION_COMPLETED) {
          stopWaiting({ case: "cancelled", failure: emptyCancel() });
        }
      };
      const context = new Context({
        info: infoFor(attempt),
        cancelled,
        cancellationSignal: controller.signal,
        // Local activities have no heartbeat timeout and nothing to report heartbeats to.
        heartbeat: () => undefined,
        cancellationDetails: () => details,
        log: withLogMeta(logger, { attempt, sdkComponent: "activity" }),
        metricMeter: options.metrics,
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<AttemptOutcome>((resolve) => {
        if (timeoutMs === undefined) return;
        timer = setTimeout(() => {
          const type = byScheduleToClose ? TimeoutType.SCHEDULE_TO_CLOSE : TimeoutType.START_TO_CLOSE;
          resolve(timedOut(type));
          stopAttempt?.("TIMED_OUT");
        }, timeoutMs);
      });
      const execution = (async (): Promise<AttemptOutcome> => {
        try {
          const value = await options.storage.run(context, () => fn(...args));
          const [result] = await options.conversion.encode([value]);
          return { case: "completed", result };
        } catch (err) {
          if (reason !== undefined && (err instanceof CancelledFailure || isAbortError(err))) {
            const failure = await options.conversion.encodeFailure(err).catch(() => emptyCancel());
            failure.stackTrace = "";
            return { case: "cancelled", failure };
          }
          return failed(isError(err) ? ensureApplicationFailure(err) : ApplicationFailure.create({ message: `Local activity ${command.activityType} threw ${String(err)}, which is not an Error` }));
        }
      })();
      try {
        return await Promise.race([execution, timeout, stopped]);
      } finally {
        clearTimeout(timer);
        stopAttempt = undefined;
      }
    }

    async function failed(error: ApplicationFailure): Promise<LocalActivityOutcome> {
      try {
        return { case: "failed", failure: await options.conversion.encodeFailure(error) };
      } catch (err) {
        const plain = ApplicationFailure.create({ message: `${error.message} (its details could not be converted: ${errorMessage(err)})`, nonRetryable: error.nonRetryable === true });
        return { case: "failed", failure: await options.conversion.encodeFailure(plain) };
      }
    }

    function infoFor(attempt: number): Info {
      const token = new TextEncoder().encode(`${runId}/${seq}/${attempt}`);
      return {
        taskToken: token,
        base64TaskToken: btoa(String.fromCharCode(...token)),
        activityId: command.activityId,
        activityType: command.activityType,
        activityNamespace: options.namespace,
        attempt,
        isLocal: true,
        workflowExecution: { workflowId: request.workflowId, runId },
        workflowNamespace: options.namespace,
        workflowType: request.workflowType,
        scheduledTimestampMs: scheduledMs,
        scheduleToCloseTimeoutMs: scheduleToCloseMs ?? 0,
        startToCloseTimeoutMs: startToCloseMs ?? 0,
        currentAttemptScheduledTimestampMs: Date.now(),
        heartbeatDetails: undefined,
        taskQueue: options.taskQueue,
        namespace: options.namespace,
        inWorkflow: true,
      };
    }

    loop()
      .catch((err: unknown) => {
        logger.error("Local activity execution failed unexpectedly; reporting it as a failure", { error: errorMessage(err) });
        finish({ case: "failed", failure: create(FailureSchema, { message: errorMessage(err), source: FAILURE_SOURCE }) }, command.attempt);
      })
      .finally(settle);
  }

  function cancelRun(runId: string): void {
    const state = runs.get(runId);
    if (state === undefined) return;
    runs.delete(runId);
    for (const execution of state.executions.values()) execution.drop();
    state.waiter?.([]);
  }

  return {
    dispatch(requests) {
      for (const request of requests) {
        if (request.kind === "start") start(request.runId, request);
        else if (request.kind === "cancel") runs.get(request.runId)?.executions.get(request.seq)?.cancel();
        else cancelRun(request.runId);
      }
    },
    waitForResolutions(runId, deadlineMs) {
      const state = stateOf(runId);
      if (state.buffer.length > 0) return Promise.resolve(state.buffer.splice(0));
      return new Promise((resolve) => {
        const timer = setTimeout(() => state.waiter?.([]), Math.max(0, deadlineMs - Date.now()));
        state.waiter = (resolutions) => {
          clearTimeout(timer);
          state.waiter = undefined;
          resolve(resolutions);
        };
      });
    },
    takeResolutions(runId) {
      return runs.get(runId)?.buffer.splice(0) ?? [];
    },
    cancelRun,
    get running() {
      return running;
    },
  };
}

function optionalMs(d: Parameters<typeof durationMs>[0] | undefined): number | undefined {
  if (d === undefined) return undefined;
  const ms = durationMs(d);
  return ms > 0 ? ms : undefined;
}

function timedOut(type: TimeoutType): LocalActivityOutcome {
  return {
    case: "timedOut",
    failure: create(FailureSchema, { message: "Activity timed out", source: FAILURE_SOURCE, failureInfo: { case: "timeoutFailureInfo", value: { timeoutType: type } } }),
  };
}

function emptyCancel(): Failure {
  return create(FailureSchema, { source: FAILURE_SOURCE, failureInfo: { case: "canceledFailureInfo", value: {} } });
}

function isAbortError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "AbortError";
}

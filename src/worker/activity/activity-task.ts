import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import type { PollActivityTaskQueueResponse } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { Context } from "../../activity/context.ts";
import { CompleteAsyncError } from "../../activity/errors.ts";
import { type ActivityCancelReason, ActivityCancellationDetails, type Info } from "../../activity/info.ts";
import { Code, ServiceError } from "../../common/errors.ts";
import type { WorkflowServiceClient } from "../../connection/connection.ts";
import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure, ensureApplicationFailure, isError } from "../../failure/index.ts";
import type { Logger } from "../../logging/types.ts";
import { metricLabels, metricNames } from "../../metrics/names.ts";
import type { MetricMeter } from "../../metrics/types.ts";
import type { AsyncLocalStore } from "../../platform/platform.ts";
import { errorMessage, withLogMeta } from "../common/logger-with-meta.ts";
import type { ActivityConversion } from "./conversion.ts";
import { createHeartbeatThrottle, heartbeatThrottleInterval } from "./heartbeats.ts";
import { infoFromTask } from "./info-from-task.ts";
import { startLocalTimeout } from "./local-timeout.ts";

/** What every activity task of one worker shares. */
export interface ActivityTaskEnvironment {
  namespace: string;
  taskQueue: string;
  identity: string;
  activities: ReadonlyMap<string, (...args: unknown[]) => unknown>;
  maxHeartbeatThrottleIntervalMs: number;
  defaultHeartbeatThrottleIntervalMs: number;
  localTimeoutBufferMs: number;
  service: WorkflowServiceClient;
  conversion: ActivityConversion;
  storage: AsyncLocalStore<Context>;
  logger: Logger;
  /** Labelled with namespace and task_queue. */
  metrics: MetricMeter;
}

/** One activity task from poll to report. */
export interface ActivityTask {
  readonly activityId: string;
  readonly activityType: string;
  /** Cancels the activity (once; later calls are ignored). */
  cancel(reason: ActivityCancelReason, details: ActivityCancellationDetails): void;
  /** Resolves when the outcome has been reported (or deliberately not: async completion, unknown to the server). */
  readonly done: Promise<void>;
}

type Outcome =
  | { kind: "completed"; result: Payload[] }
  | { kind: "failed"; failure: Failure; benign: boolean }
  | { kind: "cancelled"; details: Payload[] }
  | { kind: "async" };

/** Reported by sdk-core for activities cancelled because the worker shut down: retryable, so the server retries elsewhere. */
const workerShutdownMessage = "Worker is shutting down and this activity did not complete in time";

/** Starts running `task`; never rejects (every problem becomes the task's reported outcome or a log line). */
export function startActivityTask(task: PollActivityTaskQueueResponse, env: ActivityTaskEnvironment): ActivityTask {
  const activityType = task.activityType?.name ?? "";
  const startedAt = Date.now();
  const controller = new AbortController();
  let rejectCancelled: (err: CancelledFailure) => void = () => {};
  const cancelledPromise = new Promise<never>((_, reject) => {
    rejectCancelled = reject;
  });
  // Activities that never look at `cancelled` must not cause an unhandled rejection.
  cancelledPromise.catch(() => {});
  let cancelReason: ActivityCancelReason | "HEARTBEAT_DETAILS_CONVERSION_FAILED" | undefined;
  let cancelDetails: ActivityCancellationDetails | undefined;
  // The server has forgotten the attempt (workflow gone, or timed out): reporting would only get NotFound.
  let knownNotFound = false;

  const cancel = (reason: NonNullable<typeof cancelReason>, details: ActivityCancellationDetails) => {
    if (cancelReason !== undefined) return;
    cancelReason = reason;
    cancelDetails = details;
    if (details.notFound) knownNotFound = true;
    const failure = new CancelledFailure(reason);
    controller.abort(failure);
    rejectCancelled(failure);
  };

  const baseMeta = {
    namespace: env.namespace,
    taskQueue: env.taskQueue,
    activityId: task.activityId,
    activityType,
    attempt: task.attempt,
    workflowId: task.workflowExecution?.workflowId,
    workflowRunId: task.workflowExecution?.runId,
    workflowType: task.workflowType?.name,
  };
  const logger = withLogMeta(env.logger, baseMeta);
  const metrics = env.metrics.withLabels({
    [metricLabels.activityType]: activityType,
    [metricLabels.workflowType]: task.workflowType?.name ?? "",
  });

  async function execute(): Promise<Outcome> {
    let heartbeatDetails: unknown;
    try {
      heartbeatDetails = await env.conversion.decodeHeartbeatDetails(task.heartbeatDetails?.payloads ?? []);
    } catch (err) {
      return fail(
        ApplicationFailure.fromError(err, {
          message: `Failed to parse heartbeat details for activity ${task.activityId} (${activityType}): ${errorMessage(err)}`,
        }),
      );
    }
    const info = infoFromTask(task, heartbeatDetails, env);
    const fn = env.activities.get(activityType);
    if (fn === undefined) {
      // Retryable, as the official worker: another worker on the queue may have it.
      return fail(
        ApplicationFailure.create({
          type: "NotFoundError",
          message: `Activity function ${activityType} is not registered on this Worker, available activities: ${JSON.stringify([...env.activities.keys()])}`,
        }),
      );
    }
    let args: unknown[];
    try {
      args = await env.conversion.decodeArgs(task.input?.payloads ?? []);
    } catch (err) {
      return fail(
        ApplicationFailure.fromError(err, {
          message: `Failed to parse activity args for activity ${activityType}: ${errorMessage(err)}`,
        }),
      );
    }
    return run(info, fn, args);
  }

  async function run(info: Info, fn: (...args: unknown[]) => unknown, args: unknown[]): Promise<Outcome> {
    const throttle = createHeartbeatThrottle({
      intervalMs: heartbeatThrottleInterval(info.heartbeatTimeoutMs, env.maxHeartbeatThrottleIntervalMs, env.defaultHeartbeatThrottleIntervalMs),
      send: (details) => sendHeartbeat(details),
    });
    const localTimeout = startLocalTimeout(info, env.localTimeoutBufferMs, () =>
      cancel("TIMED_OUT", new ActivityCancellationDetails({ notFound: true, timedOut: true })),
    );

    async function sendHeartbeat(details: unknown): Promise<void> {
      let payloads: Payload[];
      try {
        payloads = await env.conversion.encode([details]);
      } catch (err) {
        logger.warn("Failed to encode heartbeat details; cancelling the activity", { error: errorMessage(err) });
        cancel("HEARTBEAT_DETAILS_CONVERSION_FAILED", new ActivityCancellationDetails());
        return;
      }
      try {
        const res = await env.service.recordActivityTaskHeartbeat({
          namespace: env.namespace,
          taskToken: task.taskToken,
          details: { payloads },
          identity: env.identity,
        });
        if (res.cancelRequested || res.activityPaused || res.activityReset) {
          // Cancel outranks reset, which outranks pause, as in sdk-core.
          const reason = res.cancelRequested ? "CANCELLED" : res.activityReset ? "RESET" : "PAUSED";
          cancel(
            reason,
            new ActivityCancellationDetails({ cancelRequested: res.cancelRequested, paused: res.activityPaused, reset: res.activityReset }),
          );
        }
      } catch (err) {
        if (err instanceof ServiceError && err.code === Code.NotFound) {
          logger.debug("Activity not found when recording heartbeat; cancelling it");
          cancel("NOT_FOUND", new ActivityCancellationDetails({ notFound: true }));
        } else {
          logger.warn("Error when recording heartbeat", { error: errorMessage(err) });
        }
      } finally {
        localTimeout.heartbeatSent();
      }
    }

    const context = new Context({
      info,
      cancelled: cancelledPromise,
      cancellationSignal: controller.signal,
      heartbeat: (details) => throttle.record(details),
      cancellationDetails: () => cancelDetails,
      log: withLogMeta(env.logger, { ...baseMeta, sdkComponent: "activity" }),
      metricMeter: metrics,
    });

    let outcome: Outcome;
    try {
      const result = await env.storage.run(context, () => fn(...args));
      outcome = await complete(result);
    } catch (err) {
      outcome = await settleError(err);
    } finally {
      localTimeout.stop();
    }
    if (knownNotFound) throttle.close();
    else await throttle.flush();
    return outcome;
  }

  async function complete(result: unknown): Promise<Outcome> {
    try {
      return { kind: "completed", result: await env.conversion.encode([result]) };
    } catch (err) {
      return fail(
        ApplicationFailure.fromError(err, {
          message: `Failed to encode the result of activity ${activityType}: ${errorMessage(err)}`,
        }),
      );
    }
  }

  async function settleError(err: unknown): Promise<Outcome> {
    if (err instanceof CompleteAsyncError) return { kind: "async" };
    if (cancelReason === "HEARTBEAT_DETAILS_CONVERSION_FAILED") {
      return fail(ApplicationFailure.retryable(cancelReason, "CancelledFailure"));
    }
    const confirmsCancel = err instanceof CancelledFailure || isAbortError(err);
    if (cancelReason !== undefined && confirmsCancel) {
      if (cancelDetails?.reset) return fail(new ApplicationFailure("Activity reset", "ActivityReset"));
      if (cancelDetails?.paused && !cancelDetails.cancelRequested) {
        return fail(new ApplicationFailure("Activity paused", "ActivityPause"));
      }
      if (cancelReason === "WORKER_SHUTDOWN") {
        return fail(ApplicationFailure.create({ message: workerShutdownMessage, type: "WorkerShutdown" }));
      }
      const details = err instanceof CancelledFailure ? err.details : [];
      try {
        return { kind: "cancelled", details: await env.conversion.encode(details) };
      } catch (encodeErr) {
        logger.warn("Failed to encode cancellation details; reporting the cancellation without them", { error: errorMessage(encodeErr) });
        return { kind: "cancelled", details: [] };
      }
    }
    return fail(isError(err) ? ensureApplicationFailure(err) : nonErrorFailure(err));
  }

  function nonErrorFailure(value: unknown): ApplicationFailure {
    const shown = typeof value === "string" ? JSON.stringify(value) : describeValue(value);
    return ApplicationFailure.create({
      message: `Activity ${activityType} threw ${shown}, which is not an Error; throw an Error or an ApplicationFailure so the failure has a message, a type and a stack trace`,
    });
  }

  async function fail(error: ApplicationFailure): Promise<Outcome> {
    const benign = error.category === ApplicationFailureCategory.BENIGN;
    try {
      return { kind: "failed", failure: await env.conversion.encodeFailure(error), benign };
    } catch (err) {
      // The failure's details could not be converted: report the message alone rather than nothing.
      const plain = ApplicationFailure.create({
        message: `${error.message} (its details could not be converted: ${errorMessage(err)})`,
        ...(error.type ? { type: error.type } : {}),
        nonRetryable: error.nonRetryable === true,
      });
      return { kind: "failed", failure: await env.conversion.encodeFailure(plain), benign };
    }
  }

  async function report(outcome: Outcome): Promise<void> {
    metrics.histogram(metricNames.activityExecutionLatency).record(Date.now() - startedAt);
    if (knownNotFound) {
      logger.debug("Activity is no longer known to the server; not reporting its outcome", { outcome: outcome.kind });
      return;
    }
    const common = { namespace: env.namespace, taskToken: task.taskToken, identity: env.identity };
    try {
      switch (outcome.kind) {
        case "completed": {
          const scheduled = task.scheduledTime;
          if (scheduled) {
            const scheduledMs = Number(scheduled.seconds) * 1000 + Math.floor(scheduled.nanos / 1e6);
            metrics.histogram(metricNames.activitySucceedEndToEndLatency).record(Date.now() - scheduledMs);
          }
          await env.service.respondActivityTaskCompleted({ ...common, result: { payloads: outcome.result } });
          break;
        }
        case "failed":
          if (!outcome.benign) metrics.counter(metricNames.activityExecutionFailed).add(1);
          await env.service.respondActivityTaskFailed({ ...common, failure: outcome.failure });
          break;
        case "cancelled":
          await env.service.respondActivityTaskCanceled({ ...common, details: { payloads: outcome.details } });
          break;
        case "async":
          logger.debug("Activity will complete asynchronously");
          break;
      }
    } catch (err) {
      if (err instanceof ServiceError && err.code === Code.NotFound) {
        logger.warn("Activity not found on completion; it may have timed out or been cancelled already", { outcome: outcome.kind });
      } else {
        logger.error("Failed to report the activity's outcome; the server will retry it after its timeout", {
          outcome: outcome.kind,
          error: errorMessage(err),
        });
      }
    }
  }

  const done = execute()
    .then(report)
    .catch((err: unknown) => {
      logger.error("Activity task failed unexpectedly; the server will retry it after its timeout", { error: errorMessage(err) });
    });

  return { activityId: task.activityId, activityType, cancel, done };
}

function isAbortError(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "AbortError";
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${Object.keys(value).slice(0, 5).join(", ") || "no keys"})`;
  return `${typeof value} ${String(value)}`;
}

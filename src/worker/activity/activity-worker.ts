import { create } from "@bufbuild/protobuf";
import type { Context } from "../../activity/context.ts";
import { installContextStorage } from "../../activity/context-storage.ts";
import { ActivityCancellationDetails } from "../../activity/info.ts";
import { loadDataConverter } from "../../converter/index.ts";
import {
  PollActivityTaskQueueRequestSchema,
  type PollActivityTaskQueueResponse,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { createLogger } from "../../logging/logger.ts";
import type { Logger } from "../../logging/types.ts";
import { metricLabels, metricNames, pollerTypes, workerTypes } from "../../metrics/names.ts";
import { errorMessage, withLogMeta } from "../common/logger-with-meta.ts";
import { createPoller, type PollerStatus } from "../common/poller.ts";
import { createRateLimiter } from "../common/rate-limiter.ts";
import { createSlotSupplier } from "../common/slots.ts";
import { type ActivityTask, type ActivityTaskEnvironment, startActivityTask } from "./activity-task.ts";
import { createActivityConversion } from "./conversion.ts";
import { type ActivityWorkerOptions, type ResolvedActivityWorkerOptions, resolveActivityWorkerOptions } from "./options.ts";

/**
 * The lifecycle states of @temporalio/worker's Worker: RUNNING until
 * shutdown; STOPPING while polls end; DRAINING while running activities
 * finish; DRAINED when none is left; STOPPED once `run()` has resolved;
 * FAILED when `run()` rejected.
 */
export type WorkerState = "INITIALIZED" | "RUNNING" | "STOPPING" | "DRAINING" | "DRAINED" | "STOPPED" | "FAILED";

/** A snapshot for the health endpoint and tests. */
export interface ActivityWorkerStatus {
  state: WorkerState;
  namespace: string;
  taskQueue: string;
  identity: string;
  /** Slots are taken by polls waiting on the server as well as by running activities. */
  slots: { max: number; used: number; available: number };
  activitiesRunning: number;
  /** Activities whose outcome was reported (or handed to async completion) since start. */
  activitiesFinished: number;
  polls: PollerStatus;
}

/** A worker for one task queue that runs activities. */
export interface ActivityWorker {
  readonly options: ResolvedActivityWorkerOptions;
  readonly state: WorkerState;
  status(): ActivityWorkerStatus;
  /**
   * Polls and runs activities until `shutdown()`; resolves once every
   * activity has finished and been reported. Rejects when polling hits an
   * error no retry can fix (bad credentials, unknown namespace...).
   */
  run(): Promise<void>;
  /**
   * Stops polling, lets running activities finish for `shutdownGraceTime`,
   * then cancels the rest (reason WORKER_SHUTDOWN). Returns at once; await
   * `run()` for the end. Calling it again does nothing.
   */
  shutdown(): void;
}

export function createActivityWorker(options: ActivityWorkerOptions): ActivityWorker {
  const o = resolveActivityWorkerOptions(options);
  const service = o.connection.workflowService;
  const logger: Logger = withLogMeta(o.logger ?? createLogger({ write: (line) => console.error(line.trimEnd()), format: "json" }), {
    sdkComponent: "worker",
    taskQueue: o.taskQueue,
    namespace: o.namespace,
  });
  const metrics = o.metrics.withLabels({ [metricLabels.namespace]: o.namespace, [metricLabels.taskQueue]: o.taskQueue });
  const workerMetrics = metrics.withLabels({ [metricLabels.workerType]: workerTypes.activity });
  const slots = createSlotSupplier(o.maxConcurrentActivityTaskExecutions);
  const slotsAvailable = workerMetrics.gauge(metricNames.workerTaskSlotsAvailable);
  const slotsUsed = workerMetrics.gauge(metricNames.workerTaskSlotsUsed);
  slots.onChange((used, available) => {
    slotsUsed.set(used);
    slotsAvailable.set(available);
  });
  // Identifies this worker's polls to the server, so ShutdownWorker can end them.
  const workerInstanceKey = crypto.randomUUID();
  const running = new Set<ActivityTask>();
  let finished = 0;
  let state: WorkerState = "INITIALIZED";
  let cancelOnArrival = false;
  let requestShutdown: () => void = () => {};
  const shutdownRequested = new Promise<void>((resolve) => {
    requestShutdown = resolve;
  });
  let fatal: { error: unknown } | undefined;

  let env: ActivityTaskEnvironment | undefined;
  const environment = (): ActivityTaskEnvironment => {
    env ??= {
      namespace: o.namespace,
      taskQueue: o.taskQueue,
      identity: o.identity,
      activities: o.activities,
      maxHeartbeatThrottleIntervalMs: o.maxHeartbeatThrottleIntervalMs,
      defaultHeartbeatThrottleIntervalMs: o.defaultHeartbeatThrottleIntervalMs,
      localTimeoutBufferMs: o.localTimeoutBufferMs,
      service,
      conversion: createActivityConversion(loadDataConverter(o.dataConverter)),
      storage: installContextStorage(() => o.platform.createAsyncLocalStorage<Context>()),
      logger,
      metrics,
    };
    return env;
  };

  // Every poll asks the same thing: built once as a message, so calls skip
  // converting a plain object into one.
  const pollRequest = create(PollActivityTaskQueueRequestSchema, {
    namespace: o.namespace,
    taskQueue: { name: o.taskQueue },
    identity: o.identity,
    workerInstanceKey,
    ...(o.maxTaskQueueActivitiesPerSecond !== undefined ? { taskQueueMetadata: { maxTasksPerSecond: o.maxTaskQueueActivitiesPerSecond } } : {}),
  });

  const poller = createPoller<PollActivityTaskQueueResponse>({
    name: `activity task queue ${o.taskQueue}`,
    concurrency: o.maxConcurrentActivityTaskPolls,
    slots,
    rateLimiter: o.maxActivitiesPerSecond === undefined ? undefined : createRateLimiter(o.maxActivitiesPerSecond),
    logger,
    async poll(signal) {
      const res = await service.pollActivityTaskQueue(pollRequest, { signal });
      // An empty task token is the server's "nothing arrived before the poll timeout".
      return res.taskToken.length === 0 ? undefined : res;
    },
    handle(task, permit) {
      const activityMetrics = metrics.withLabels({
        [metricLabels.activityType]: task.activityType?.name ?? "",
        [metricLabels.workflowType]: task.workflowType?.name ?? "",
      });
      activityMetrics.counter(metricNames.activityTaskReceived).add(1);
      if (task.startedTime && task.currentAttemptScheduledTime) {
        const ms =
          Number(task.startedTime.seconds - task.currentAttemptScheduledTime.seconds) * 1000 +
          (task.startedTime.nanos - task.currentAttemptScheduledTime.nanos) / 1e6;
        activityMetrics.histogram(metricNames.activityScheduleToStartLatency).record(Math.max(0, ms));
      }
      const activity = startActivityTask(task, environment());
      running.add(activity);
      if (cancelOnArrival) activity.cancel("WORKER_SHUTDOWN", new ActivityCancellationDetails({ workerShutdown: true }));
      void activity.done.then(() => {
        running.delete(activity);
        finished++;
        permit.release();
      });
    },
    onEmptyPoll: () => metrics.counter(metricNames.activityPollNoTask).add(1),
    onFatal(err) {
      fatal = { error: err };
      requestShutdown();
    },
  });

  const cancelAllForShutdown = () => {
    cancelOnArrival = true;
    if (running.size > 0) logger.info(`Cancelling ${running.size} activities still running after the shutdown grace time`);
    for (const activity of running) activity.cancel("WORKER_SHUTDOWN", new ActivityCancellationDetails({ workerShutdown: true }));
  };

  const sendShutdownWorker = async () => {
    try {
      await service.shutdownWorker(
        { namespace: o.namespace, identity: o.identity, reason: "graceful shutdown", workerInstanceKey, taskQueue: o.taskQueue },
        { timeoutMs: 5_000 },
      );
    } catch (err) {
      // Older servers lack the RPC; the polls are aborted anyway.
      logger.debug("ShutdownWorker call failed", { error: errorMessage(err) });
    }
  };

  async function run(): Promise<void> {
    if (state !== "INITIALIZED") throw new Error(`activity worker for task queue ${o.taskQueue} was already run (state ${state}); create a new worker`);
    environment();
    state = "RUNNING";
    metrics.counter(metricNames.workerStart).add(1);
    const numPollers = metrics.withLabels({ [metricLabels.pollerType]: pollerTypes.activityTask }).gauge(metricNames.numPollers);
    numPollers.set(o.maxConcurrentActivityTaskPolls);
    logger.info("Activity worker started", { identity: o.identity, activities: [...o.activities.keys()] });
    poller.start();
    await shutdownRequested;

    state = "STOPPING";
    const graceTimer = setTimeout(cancelAllForShutdown, o.shutdownGraceTimeMs);
    await Promise.all([sendShutdownWorker(), poller.stop()]);
    numPollers.set(0);
    state = "DRAINING";
    while (running.size > 0) await Promise.all([...running].map((a) => a.done));
    clearTimeout(graceTimer);
    state = "DRAINED";
    if (fatal) {
      state = "FAILED";
      throw new Error(`activity worker for task queue ${o.taskQueue} stopped: ${errorMessage(fatal.error)}`, { cause: fatal.error });
    }
    state = "STOPPED";
    logger.info("Activity worker stopped", { activitiesFinished: finished });
  }

  return {
    options: o,
    get state() {
      return state;
    },
    status() {
      return {
        state,
        namespace: o.namespace,
        taskQueue: o.taskQueue,
        identity: o.identity,
        slots: { max: slots.max, used: slots.used, available: slots.available },
        activitiesRunning: running.size,
        activitiesFinished: finished,
        polls: { ...poller.status },
      };
    },
    run,
    shutdown() {
      if (state === "INITIALIZED") {
        throw new Error(`activity worker for task queue ${o.taskQueue} is not running: call run() before shutdown()`);
      }
      if (state === "RUNNING") logger.info("Activity worker shutting down");
      requestShutdown();
    },
  };
}

import type { PollWorkflowTaskQueueResponse } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { Context } from "../../activity/context.ts";
import { installContextStorage } from "../../activity/context-storage.ts";
import { loadDataConverter } from "../../converter/data-converter.ts";
import { createLogger } from "../../logging/logger.ts";
import type { Logger } from "../../logging/types.ts";
import { metricLabels, metricNames, pollerTypes, workerTypes } from "../../metrics/names.ts";
import { errorMessage, withLogMeta } from "../common/logger-with-meta.ts";
import { createPoller, type Poller, type PollerStatus } from "../common/poller.ts";
import { createSlotSupplier } from "../common/slots.ts";
import { createActivityConversion } from "../activity/conversion.ts";
import { withPayloadCodecs } from "./codec-runner.ts";
import { createLocalActivityExecutor } from "./local-activity-executor.ts";
import { type ResolvedWorkflowWorkerOptions, resolveWorkflowWorkerOptions, type WorkflowWorkerOptions } from "./options.ts";
import { createRunCache } from "./run-cache.ts";
import { createTaskHandler, type TaskSource } from "./task-handler.ts";
import { type StickyQueue, stickyQueueName } from "./task-responses.ts";

/**
 * The lifecycle states of @temporalio/worker's Worker: RUNNING until
 * shutdown; STOPPING while polls end; DRAINING while tasks in progress
 * finish; DRAINED when none is left; STOPPED once `run()` has resolved;
 * FAILED when `run()` rejected.
 */
export type WorkflowWorkerState = "INITIALIZED" | "RUNNING" | "STOPPING" | "DRAINING" | "DRAINED" | "STOPPED" | "FAILED";

/** A snapshot for the health endpoint and tests. */
export interface WorkflowWorkerStatus {
  state: WorkflowWorkerState;
  namespace: string;
  taskQueue: string;
  identity: string;
  /** This worker's own sticky queue; undefined when the cache is off. */
  stickyQueue: string | undefined;
  /** Slots are taken by polls waiting on the server as well as by tasks in progress. */
  slots: { max: number; used: number; available: number };
  /** Runs with a task in progress or queued. */
  tasksInFlight: number;
  /** Runs cached between tasks, and the cache's capacity. */
  cachedRuns: number;
  maxCachedWorkflows: number;
  /** Tasks answered (or given up on) since start. */
  tasksFinished: number;
  polls: { normal: PollerStatus; sticky: PollerStatus | undefined };
}

/** A worker for one task queue that runs workflow tasks. */
export interface WorkflowWorker {
  readonly options: ResolvedWorkflowWorkerOptions;
  readonly state: WorkflowWorkerState;
  status(): WorkflowWorkerStatus;
  /**
   * Polls and processes workflow tasks until `shutdown()`; resolves once
   * every task in progress has been answered, every run evicted and the
   * runtime disposed. Rejects when polling hits an error no retry can fix
   * (bad credentials, unknown namespace...).
   */
  run(): Promise<void>;
  /** Stops polling and lets tasks in progress finish. Returns at once; await `run()` for the end. Idempotent. */
  shutdown(): void;
  /** The runtime's `onRunsLost`: evicts those runs quietly, so that their next task replays them. */
  evictLostRuns(runIds: string[], reason: string): void;
}

export function createWorkflowWorker(options: WorkflowWorkerOptions): WorkflowWorker {
  const o = resolveWorkflowWorkerOptions(options);
  const service = o.connection.workflowService;
  const logger: Logger = withLogMeta(o.logger ?? createLogger({ write: (line) => console.error(line.trimEnd()), format: "json" }), {
    sdkComponent: "worker",
    taskQueue: o.taskQueue,
    namespace: o.namespace,
  });
  for (const warning of o.warnings) logger.warn(warning);
  const metrics = o.metrics.withLabels({ [metricLabels.namespace]: o.namespace, [metricLabels.taskQueue]: o.taskQueue });
  const workerMetrics = metrics.withLabels({ [metricLabels.workerType]: workerTypes.workflow });
  const slots = createSlotSupplier(o.maxConcurrentWorkflowTaskExecutions);
  const slotsAvailable = workerMetrics.gauge(metricNames.workerTaskSlotsAvailable);
  const slotsUsed = workerMetrics.gauge(metricNames.workerTaskSlotsUsed);
  slots.onChange((used, available) => {
    slotsUsed.set(used);
    slotsAvailable.set(available);
  });
  const sticky: StickyQueue | undefined =
    o.maxCachedWorkflows > 0
      ? { name: stickyQueueName(o.identity, o.taskQueue), normalName: o.taskQueue, scheduleToStartTimeoutMs: o.stickyQueueScheduleToStartTimeoutMs }
      : undefined;
  // Identifies this worker's polls to the server, so ShutdownWorker can end them.
  const workerInstanceKey = crypto.randomUUID();
  const cache = createRunCache(o.maxCachedWorkflows);
  const dataConverter = loadDataConverter(o.dataConverter);
  const localActivities = createLocalActivityExecutor({
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: o.activities,
    conversion: createActivityConversion(dataConverter),
    storage: installContextStorage(() => o.platform.createAsyncLocalStorage<Context>()),
    logger,
    metrics,
    onResolutionBetweenTasks(runId) {
      // After a WFT heartbeat no task waits: the results go into the run now, and open its next task's activation.
      void cache.exclusive(runId, async () => {
        const run = cache.get(runId);
        const resolutions = localActivities.takeResolutions(runId);
        if (run === undefined) return;
        try {
          for (const resolution of resolutions) run.resolveLocalActivity(resolution);
        } catch (err) {
          logger.warn("A local activity result could not be applied to its run; the next task will rebuild it", { runId, error: errorMessage(err) });
        }
      });
    },
  });
  const handler = createTaskHandler({
    namespace: o.namespace,
    identity: o.identity,
    service,
    cache,
    runtime: o.runtime,
    runner: withPayloadCodecs(o.runtime, dataConverter.payloadCodecs),
    localActivities,
    sticky,
    logger,
    metrics,
  });
  let state: WorkflowWorkerState = "INITIALIZED";
  let finished = 0;
  const inFlight = new Set<Promise<void>>();
  let requestShutdown: () => void = () => {};
  const shutdownRequested = new Promise<void>((resolve) => {
    requestShutdown = resolve;
  });
  let fatal: { error: unknown } | undefined;

  const makePoller = (source: TaskSource, queue: string, concurrency: number): Poller =>
    createPoller<PollWorkflowTaskQueueResponse>({
      name: `${source === "sticky" ? "sticky " : ""}workflow task queue ${queue}`,
      concurrency,
      slots,
      logger,
      async poll(signal) {
        const res = await service.pollWorkflowTaskQueue(
          {
            namespace: o.namespace,
            taskQueue:
              source === "sticky"
                ? { name: queue, kind: TaskQueueKind.STICKY, normalName: o.taskQueue }
                : { name: queue, kind: TaskQueueKind.NORMAL },
            identity: o.identity,
            workerInstanceKey,
          },
          { signal },
        );
        // An empty task token is the server's "nothing arrived before the poll timeout".
        return res.taskToken.length === 0 ? undefined : res;
      },
      handle(task, permit) {
        const done = handler.handle(task, source).finally(() => {
          finished++;
          permit.release();
          inFlight.delete(done);
        });
        inFlight.add(done);
      },
      onTask: () => metrics.counter(metricNames.workflowTaskQueuePollSucceed).add(1),
      onEmptyPoll: () => metrics.counter(metricNames.workflowTaskQueuePollEmpty).add(1),
      onFatal(err) {
        fatal ??= { error: err };
        requestShutdown();
      },
    });

  const normalPoller = makePoller("normal", o.taskQueue, o.nonStickyPolls);
  const stickyPoller = sticky === undefined ? undefined : makePoller("sticky", sticky.name, o.stickyPolls);

  const sendShutdownWorker = async () => {
    try {
      await service.shutdownWorker(
        {
          namespace: o.namespace,
          identity: o.identity,
          reason: "graceful shutdown",
          workerInstanceKey,
          taskQueue: o.taskQueue,
          // Lets the server move this worker's sticky runs back to the normal queue at once instead of after the sticky timeout.
          stickyTaskQueue: sticky?.name ?? "",
        },
        { timeoutMs: 5_000 },
      );
    } catch (err) {
      // Older servers lack the RPC; the polls are aborted anyway.
      logger.debug("ShutdownWorker call failed", { error: errorMessage(err) });
    }
  };

  async function run(): Promise<void> {
    if (state !== "INITIALIZED") throw new Error(`workflow worker for task queue ${o.taskQueue} was already run (state ${state}); create a new worker`);
    state = "RUNNING";
    metrics.counter(metricNames.workerStart).add(1);
    const normalPolls = metrics.withLabels({ [metricLabels.pollerType]: pollerTypes.workflowTask }).gauge(metricNames.numPollers);
    const stickyPolls = metrics.withLabels({ [metricLabels.pollerType]: pollerTypes.stickyWorkflowTask }).gauge(metricNames.numPollers);
    normalPolls.set(o.nonStickyPolls);
    stickyPolls.set(o.stickyPolls);
    logger.info("Workflow worker started", { identity: o.identity, stickyQueue: sticky?.name, maxCachedWorkflows: o.maxCachedWorkflows });
    normalPoller.start();
    stickyPoller?.start();
    await shutdownRequested;

    state = "STOPPING";
    await Promise.all([normalPoller.stop(), stickyPoller?.stop()]);
    normalPolls.set(0);
    stickyPolls.set(0);
    state = "DRAINING";
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await cache.idle();
    await handler.evictAll("the worker is shutting down");
    // After the last answer, so the server does not move a run we are still completing.
    await sendShutdownWorker();
    await o.runtime.dispose();
    state = "DRAINED";
    if (fatal) {
      state = "FAILED";
      throw new Error(`workflow worker for task queue ${o.taskQueue} stopped: ${errorMessage(fatal.error)}`, { cause: fatal.error });
    }
    state = "STOPPED";
    logger.info("Workflow worker stopped", { tasksFinished: finished });
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
        stickyQueue: sticky?.name,
        slots: { max: slots.max, used: slots.used, available: slots.available },
        tasksInFlight: cache.busyCount,
        cachedRuns: cache.size,
        maxCachedWorkflows: o.maxCachedWorkflows,
        tasksFinished: finished,
        polls: { normal: { ...normalPoller.status }, sticky: stickyPoller ? { ...stickyPoller.status } : undefined },
      };
    },
    run,
    evictLostRuns(runIds, reason) {
      logger.info("Workflow runs lost with their workflow thread; they will be replayed from history", { runIds, reason });
      void handler.evictLost(runIds, reason).catch((err: unknown) => logger.warn("Evicting lost runs failed", { error: errorMessage(err) }));
    },
    shutdown() {
      if (state === "INITIALIZED") {
        throw new Error(`workflow worker for task queue ${o.taskQueue} is not running: call run() before shutdown()`);
      }
      if (state === "RUNNING") logger.info("Workflow worker shutting down");
      requestShutdown();
    },
  };
}

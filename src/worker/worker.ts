// The Worker facade: one worker entity on one task queue, serving workflows,
// activities or both, with @temporalio/worker's Worker.create shape where the
// meaning is the same.
import * as v from "valibot";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { type Duration, msToNumber } from "../common/duration.ts";
import { formatIssues } from "../common/validation.ts";
import type { Connection } from "../connection/connection.ts";
import type { Logger } from "../logging/types.ts";
import type { MetricMeter } from "../metrics/types.ts";
import type { Platform } from "../platform/platform.ts";
import type { EntityFactory, EntityRole, EntityState, EntityStatus, WorkerEntity } from "../process/entity.ts";
import { type HistoryAndWorkflowId, type ReplayOptions, type ReplayResult, runReplayHistories, runReplayHistory } from "../replay/replayer.ts";
import type { WorkflowModule } from "../workflow/runtime.ts";
import type { InjectedSinks, Sinks } from "../workflow/sinks.ts";
import { duration, hasMethods, positiveInt } from "./common/option-schemas.ts";
import { type ActivityWorker, type ActivityWorkerStatus, createActivityWorker } from "./activity/activity-worker.ts";
import { loadConverterModules, type WorkerDataConverter } from "./workflow/converter-modules.ts";
import { createWorkflowRuntime } from "./workflow/runtime-factory.ts";
import { createWorkflowWorker, type WorkflowWorker, type WorkflowWorkerStatus } from "./workflow/workflow-worker.ts";

// biome-ignore lint/suspicious/noExplicitAny: activities take and return whatever the user's code does.
type ActivityFunction = (...args: any[]) => unknown;

/** Options of `Worker.create`; names and defaults as @temporalio/worker's WorkerOptions where the meaning is the same. */
export interface WorkerOptions {
  connection: Connection;
  /** Default: the connection's namespace. */
  namespace?: string;
  taskQueue: string;
  /** Module exporting the workflow functions, run on workflow threads (with [TMPRL1101] deadlock detection). */
  workflowsPath?: string;
  /**
   * The workflow functions themselves, run on the calling thread (no
   * isolation from the process's other code): for tests and small tools.
   * Give `workflowsPath` or `workflows`, not both.
   */
  workflows?: WorkflowModule;
  /** The activities this worker runs, by activity type name. */
  activities?: Record<string, ActivityFunction>;
  /** Default `${pid}@${hostname}`. */
  identity?: string;
  /**
   * Payload and failure converters and payload codecs. With `workflowsPath`,
   * give the converters as module paths (`payloadConverterPath`,
   * `failureConverterPath`): each workflow thread imports them.
   */
  dataConverter?: WorkerDataConverter;
  /** `workflowModules`: modules exporting `interceptors` (a WorkflowInterceptorsFactory), as the official option. */
  interceptors?: { workflowModules?: string[] };
  /** The implementations of the sinks workflow code calls through proxySinks, run on the calling thread. */
  sinks?: InjectedSinks<Sinks>;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxConcurrentWorkflowTaskPolls?: number;
  nonStickyToStickyPollRatio?: number;
  maxCachedWorkflows?: number;
  stickyQueueScheduleToStartTimeout?: Duration;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentActivityTaskPolls?: number;
  maxActivitiesPerSecond?: number;
  maxTaskQueueActivitiesPerSecond?: number;
  maxHeartbeatThrottleInterval?: Duration;
  defaultHeartbeatThrottleInterval?: Duration;
  /** How long shutdown lets running activities finish before cancelling them. Default 0. */
  shutdownGraceTime?: Duration;
  /** How long one workflow activation may run before [TMPRL1101]. Default "2s". */
  deadlockTimeout?: Duration;
  /** Workflow threads (with `workflowsPath`). Default 1. */
  workflowThreadPoolSize?: number;
  logger?: Logger;
  metrics?: MetricMeter;
  /** The runtime's powers: the `platform` export of temporal-edge-worker. */
  platform: Platform;
}

/** The health snapshot of a Worker: the process's EntityStatus plus each part's details. */
export interface WorkerStatus extends EntityStatus {
  taskQueue: string;
  workflow: WorkflowWorkerStatus | undefined;
  activity: ActivityWorkerStatus | undefined;
}


// What the facade itself decides on; each part validates the options it takes.
const FacadeSchema = v.object({
  taskQueue: v.pipe(v.string("must be the name of a task queue"), v.nonEmpty("must not be empty")),
  workflowsPath: v.optional(v.pipe(v.string("must be the path of a module exporting workflow functions"), v.nonEmpty("must not be empty"))),
  workflows: v.optional(
    v.custom<WorkflowModule>((value) => typeof value === "object" && value !== null, "must be a module object exporting workflow functions"),
  ),
  activities: v.optional(v.record(v.string(), v.function("must be a function"))),
  deadlockTimeout: v.optional(duration),
  workflowThreadPoolSize: v.optional(positiveInt),
  interceptors: v.optional(
    v.object({ workflowModules: v.optional(v.array(v.pipe(v.string("must be module paths"), v.nonEmpty("must not be empty")))) }, "must be { workflowModules: [paths] }"),
  ),
  sinks: v.optional(v.record(v.string(), v.record(v.string(), v.object({ fn: v.function("must be a function") }, "must be { fn, callDuringReplay? }")))),
  platform: v.custom<Platform>(
    hasMethods("spawnWorkflowThread", "createAsyncLocalStorage", "hostname", "pid"),
    "must be the runtime's Platform (the `platform` export of temporal-edge-worker)",
  ),
});

const workflowOptionNames = [
  "maxConcurrentWorkflowTaskExecutions",
  "maxConcurrentWorkflowTaskPolls",
  "nonStickyToStickyPollRatio",
  "maxCachedWorkflows",
  "stickyQueueScheduleToStartTimeout",
] as const;
const activityOptionNames = [
  "maxConcurrentActivityTaskExecutions",
  "maxConcurrentActivityTaskPolls",
  "maxActivitiesPerSecond",
  "maxTaskQueueActivitiesPerSecond",
  "maxHeartbeatThrottleInterval",
  "defaultHeartbeatThrottleInterval",
  "shutdownGraceTime",
] as const;
const facadeOnly = new Set([
  "workflowsPath",
  "workflows",
  "activities",
  "deadlockTimeout",
  "workflowThreadPoolSize",
  "interceptors",
  "sinks",
  "dataConverter",
  ...workflowOptionNames,
  ...activityOptionNames,
]);

function pick<K extends string>(options: Record<string, unknown>, names: readonly K[]): Partial<Record<K, unknown>> {
  const out: Partial<Record<K, unknown>> = {};
  for (const name of names) if (options[name] !== undefined) out[name] = options[name];
  return out;
}

const stateOrder: readonly EntityState[] = ["INITIALIZED", "RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"];

/**
 * A worker entity: polls one task queue for workflow tasks (when given
 * workflows) and activity tasks (when given activities) until shut down.
 */
export class Worker implements WorkerEntity {
  readonly taskQueue: string;
  readonly roles: readonly EntityRole[];
  private readonly workflowWorker: WorkflowWorker | undefined;
  private readonly activityWorker: ActivityWorker | undefined;
  private state: EntityState = "INITIALIZED";
  private lastError: string | undefined;

  private constructor(taskQueue: string, workflowWorker: WorkflowWorker | undefined, activityWorker: ActivityWorker | undefined) {
    this.taskQueue = taskQueue;
    this.workflowWorker = workflowWorker;
    this.activityWorker = activityWorker;
    this.roles = [...(workflowWorker ? (["workflow"] as const) : []), ...(activityWorker ? (["activity"] as const) : [])];
  }

  /** Validates the options and builds the parts; nothing is polled before `run()`. */
  static async create(options: WorkerOptions): Promise<Worker> {
    const parsed = v.safeParse(FacadeSchema, options);
    if (!parsed.success) throw new TypeError(`invalid worker options: ${formatIssues(parsed.issues)}`);
    const o = parsed.output;
    if (o.workflowsPath !== undefined && o.workflows !== undefined) {
      throw new TypeError("invalid worker options: workflowsPath and workflows: give one of them, not both");
    }
    const hasWorkflows = o.workflowsPath !== undefined || o.workflows !== undefined;
    const activities = o.activities ?? {};
    const hasActivities = Object.keys(activities).length > 0;
    if (!hasWorkflows && !hasActivities) {
      throw new TypeError("invalid worker options: the worker has nothing to do: give workflowsPath (or workflows), activities, or both");
    }
    const record = options as unknown as Record<string, unknown>;
    const common = Object.fromEntries(Object.entries(record).filter(([k, value]) => !facadeOnly.has(k) && value !== undefined));
    const namespace = options.namespace ?? options.connection?.options?.namespace ?? "default";
    // Converters named by path are loaded here too: activities and local activities run on this thread.
    const dataConverter = await loadConverterModules(options.dataConverter, o.platform.importModule.bind(o.platform));
    const converterOption = dataConverter !== undefined ? { dataConverter } : {};
    let workflowWorker: WorkflowWorker | undefined;
    if (hasWorkflows) {
      const runtime = await createWorkflowRuntime({
        workflowsPath: o.workflowsPath,
        workflows: o.workflows,
        namespace,
        taskQueue: o.taskQueue,
        dataConverter: options.dataConverter,
        loadedDataConverter: dataConverter,
        interceptorModulePaths: o.interceptors?.workflowModules,
        registeredActivityNames: new Set(Object.keys(activities)),
        sinks: options.sinks,
        onRunsLost: (runIds, reason) => workflowWorker?.evictLostRuns(runIds, reason),
        deadlockTimeoutMs: msToNumber(o.deadlockTimeout ?? "2s", "deadlockTimeout"),
        threads: o.workflowThreadPoolSize,
        logger: options.logger,
        platform: o.platform,
      });
      try {
        // Local activities run the same functions as the worker's normal activities, as in the official worker.
        workflowWorker = createWorkflowWorker({ ...common, ...converterOption, ...pick(record, workflowOptionNames), runtime, activities } as never);
      } catch (err) {
        await runtime.dispose();
        throw err;
      }
    }
    const activityWorker = hasActivities
      ? createActivityWorker({ ...common, ...converterOption, ...pick(record, activityOptionNames), activities } as never)
      : undefined;
    return new Worker(o.taskQueue, workflowWorker, activityWorker);
  }

  /**
   * Replays one history against workflow code, as the official
   * `Worker.runReplayHistory`: resolves when it matches, rejects with
   * DeterminismViolationError (`[TMPRL1100]`) when the code no longer
   * produces what the history recorded. `history` is a History message or
   * its JSON (`temporal workflow show --output json`). Delegates to src/replay.
   */
  static runReplayHistory(options: ReplayOptions, history: History | unknown, workflowId?: string): Promise<void> {
    return runReplayHistory(options, history, workflowId);
  }

  /** Replays several histories with one runtime; yields one result per history, in order (a failure does not stop the rest). */
  static runReplayHistories(
    options: ReplayOptions,
    histories: Iterable<HistoryAndWorkflowId | History> | AsyncIterable<HistoryAndWorkflowId | History>,
  ): AsyncGenerator<ReplayResult, void, undefined> {
    return runReplayHistories(options, histories);
  }

  /**
   * Polls and processes tasks until `shutdown()`; resolves once every part
   * has drained. Rejects when a part fails (the other is shut down first).
   */
  async run(): Promise<void> {
    if (this.state !== "INITIALIZED") throw new Error(`worker for task queue ${this.taskQueue} was already run (state ${this.state}); create a new one`);
    this.state = "RUNNING";
    const parts = [this.workflowWorker, this.activityWorker].filter((p) => p !== undefined);
    const runs = parts.map((p) =>
      p.run().catch((err: unknown) => {
        this.lastError ??= err instanceof Error ? err.message : String(err);
        // One part failing ends the entity: the other drains too.
        this.shutdown();
        throw err;
      }),
    );
    const outcomes = await Promise.allSettled(runs);
    const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      this.state = "FAILED";
      throw failed.reason;
    }
    this.state = "STOPPED";
  }

  /** Stops polling and lets in-flight tasks finish; await `run()` for the end. Idempotent. */
  shutdown(): void {
    if (this.state === "INITIALIZED") throw new Error(`worker for task queue ${this.taskQueue} is not running: call run() before shutdown()`);
    if (this.state === "RUNNING") this.state = "STOPPING";
    for (const part of [this.workflowWorker, this.activityWorker]) {
      if (part && part.state !== "INITIALIZED") part.shutdown();
    }
  }

  /** The official worker's state; while stopping, the least advanced part's. */
  getState(): EntityState {
    if (this.state !== "STOPPING") return this.state;
    const parts = [this.workflowWorker?.state, this.activityWorker?.state].filter((s) => s !== undefined);
    const index = Math.min(...parts.map((s) => Math.max(stateOrder.indexOf(s as EntityState), stateOrder.indexOf("STOPPING"))));
    return stateOrder[Math.min(index, stateOrder.indexOf("DRAINED"))] ?? "STOPPING";
  }

  getStatus(): WorkerStatus {
    const workflow = this.workflowWorker?.status();
    const activity = this.activityWorker?.status();
    const polls = [workflow?.polls.normal, workflow?.polls.sticky, activity?.polls].filter((p) => p !== undefined);
    const answered = polls.map((p) => p.succeeded + p.empty + p.failed > 0);
    const failing = polls.some((p) => p.consecutiveFailures > 0);
    return {
      state: this.getState(),
      polling: this.getState() === "RUNNING",
      lastPollOk: answered.some(Boolean) ? !failing : undefined,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      inFlight: { workflowTasks: workflow?.tasksInFlight ?? 0, activities: activity?.activitiesRunning ?? 0 },
      taskQueue: this.taskQueue,
      workflow,
      activity,
    };
  }
}

/**
 * The EntityFactory of the worker process (`worker run`): one Worker per
 * configured task queue, on the process's shared connection.
 */
export const createWorkerEntity: EntityFactory = async (context) => {
  const { spec } = context;
  return Worker.create({
    connection: context.connection,
    namespace: context.namespace,
    taskQueue: spec.taskQueue,
    identity: context.identity,
    platform: context.platform,
    logger: context.logger,
    metrics: context.meter,
    shutdownGraceTime: context.shutdownGraceTimeMs,
    ...(spec.workflowsPath ? { workflowsPath: spec.workflowsPath } : {}),
    ...(context.activities ? { activities: context.activities as Record<string, ActivityFunction> } : {}),
    ...(pick(spec as unknown as Record<string, unknown>, [
      ...workflowOptionNames,
      "maxConcurrentActivityTaskExecutions",
      "maxConcurrentActivityTaskPolls",
      "maxActivitiesPerSecond",
      "maxTaskQueueActivitiesPerSecond",
    ]) as Partial<WorkerOptions>),
  });
};

import * as v from "valibot";
import { type Duration, msToNumber } from "../../common/duration.ts";
import { formatIssues } from "../../common/validation.ts";
import type { Connection } from "../../connection/connection.ts";
import type { DataConverter } from "../../converter/types.ts";
import type { Logger } from "../../logging/types.ts";
import { type MetricMeter, noopMeter } from "../../metrics/types.ts";
import type { Platform } from "../../platform/platform.ts";
import type { WorkflowRuntime } from "../../workflow/runtime.ts";
import {
  connection as connectionSchema,
  dataConverter as dataConverterSchema,
  duration,
  hasMethods,
  logger as loggerSchema,
  meter as meterSchema,
  positiveInt,
} from "../common/option-schemas.ts";

/**
 * Options of a workflow worker entity. Names and defaults follow
 * @temporalio/worker's WorkerOptions where the meaning is the same.
 */
export interface WorkflowWorkerOptions {
  connection: Connection;
  /** Default: the connection's namespace. */
  namespace?: string;
  taskQueue: string;
  /**
   * Runs the workflow code (src/workflow: the threaded or the in-process
   * runtime). The worker owns it from now on and disposes it at shutdown.
   */
  runtime: WorkflowRuntime;
  /** Default `${pid}@${hostname}`. */
  identity?: string;
  /** Workflow tasks processed at once; a poll is made only with a free slot. Default 40. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Concurrent long polls, normal and sticky together. Default min(10, maxConcurrentWorkflowTaskExecutions). */
  maxConcurrentWorkflowTaskPolls?: number;
  /** Share of the polls made on the normal queue rather than the sticky one. Default 0.2. */
  nonStickyToStickyPollRatio?: number;
  /**
   * Workflow runs kept in memory between tasks (least recently used evicted).
   * 0 turns the cache and sticky queues off: every task replays the whole
   * history. Default 1000.
   */
  maxCachedWorkflows?: number;
  /** How long the server waits for this worker to take a sticky task before it gives it to any worker. Default "10s". */
  stickyQueueScheduleToStartTimeout?: Duration;
  /**
   * The worker's activity functions by type: local activities run them in
   * this process (the same functions as the worker's normal activities).
   */
  activities?: Record<string, (...args: never[]) => unknown>;
  /**
   * Its payload codecs run over activations and completions (the runtime
   * converts workflow values); local activities use all of it.
   */
  dataConverter?: DataConverter;
  logger?: Logger;
  metrics?: MetricMeter;
  /** The runtime's powers: identity, and the activity context store of local activities. */
  platform: WorkflowWorkerPlatform;
}

export type WorkflowWorkerPlatform = Pick<Platform, "hostname" | "pid" | "createAsyncLocalStorage">;

export interface ResolvedWorkflowWorkerOptions {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  runtime: WorkflowRuntime;
  identity: string;
  maxConcurrentWorkflowTaskExecutions: number;
  /** Long polls on the normal task queue. */
  nonStickyPolls: number;
  /** Long polls on the sticky queue; 0 when the cache is off. */
  stickyPolls: number;
  maxCachedWorkflows: number;
  stickyQueueScheduleToStartTimeoutMs: number;
  activities: ReadonlyMap<string, (...args: unknown[]) => unknown>;
  dataConverter: DataConverter | undefined;
  logger: Logger | undefined;
  metrics: MetricMeter;
  platform: WorkflowWorkerPlatform;
  /** Adjustments made to inconsistent settings, for the worker to log. */
  warnings: string[];
}



const OptionsSchema = v.strictObject({
  connection: connectionSchema,
  namespace: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty"))),
  taskQueue: v.pipe(v.string("must be the name of a task queue"), v.nonEmpty("must not be empty")),
  runtime: v.custom<WorkflowRuntime>(
    hasMethods("activate", "evict", "dispose"),
    "must be a WorkflowRuntime (createThreadedWorkflowRuntime or createInProcessWorkflowRuntime)",
  ),
  identity: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty"))),
  maxConcurrentWorkflowTaskExecutions: v.optional(positiveInt),
  maxConcurrentWorkflowTaskPolls: v.optional(positiveInt),
  nonStickyToStickyPollRatio: v.optional(
    v.pipe(v.number(), v.check((n) => n > 0 && n <= 1, "must be a fraction above 0 and at most 1, e.g. 0.2")),
  ),
  maxCachedWorkflows: v.optional(v.pipe(v.number(), v.integer("must be a whole number"), v.minValue(0, "must be 0 (no cache) or more"))),
  stickyQueueScheduleToStartTimeout: v.optional(duration),
  activities: v.optional(v.record(v.string(), v.function("must be a function"))),
  dataConverter: v.optional(dataConverterSchema),
  logger: v.optional(loggerSchema),
  metrics: v.optional(meterSchema),
  platform: v.custom<WorkflowWorkerPlatform>(
    hasMethods("hostname", "pid", "createAsyncLocalStorage"),
    "must be the runtime's Platform (the `platform` export of temporal-edge-worker)",
  ),
});

/** Validates options and fills in defaults; throws a TypeError naming each bad field. */
export function resolveWorkflowWorkerOptions(options: WorkflowWorkerOptions): ResolvedWorkflowWorkerOptions {
  const parsed = v.safeParse(OptionsSchema, options);
  if (!parsed.success) throw new TypeError(`invalid workflow worker options: ${formatIssues(parsed.issues)}`);
  const o = parsed.output;
  const warnings: string[] = [];
  let cache = o.maxCachedWorkflows ?? 1000;
  if (cache === 1) {
    // As the official worker: a cache of one would evict the run a task is about to need.
    warnings.push("maxCachedWorkflows must be 0 (no cache) or at least 2; using 2");
    cache = 2;
  }
  let executions = o.maxConcurrentWorkflowTaskExecutions ?? 40;
  if (cache > 0 && executions > cache) {
    // Every task in progress holds its run in the cache, so more tasks than cache entries could not all be served.
    warnings.push(`maxConcurrentWorkflowTaskExecutions (${executions}) cannot exceed maxCachedWorkflows (${cache}); using ${cache}`);
    executions = cache;
  }
  if (cache > 0 && executions < 2) {
    // One slot for the normal queue's poll and one for the sticky queue's.
    warnings.push("maxConcurrentWorkflowTaskExecutions must be at least 2 when the cache is on; using 2");
    executions = 2;
  }
  const polls = Math.min(o.maxConcurrentWorkflowTaskPolls ?? 10, executions);
  const split = splitPolls(polls, cache > 0 ? (o.nonStickyToStickyPollRatio ?? 0.2) : 1);
  return {
    connection: o.connection,
    namespace: o.namespace ?? o.connection.options.namespace,
    taskQueue: o.taskQueue,
    runtime: o.runtime,
    identity: o.identity ?? `${o.platform.pid()}@${o.platform.hostname()}`,
    maxConcurrentWorkflowTaskExecutions: executions,
    nonStickyPolls: split.nonSticky,
    stickyPolls: split.sticky,
    maxCachedWorkflows: cache,
    stickyQueueScheduleToStartTimeoutMs: msToNumber(o.stickyQueueScheduleToStartTimeout ?? "10s"),
    activities: new Map(Object.entries(o.activities ?? {}) as Array<[string, (...args: unknown[]) => unknown]>),
    dataConverter: o.dataConverter,
    logger: o.logger,
    metrics: o.metrics ?? noopMeter,
    platform: o.platform,
    warnings,
  };
}

/**
 * Splits the polls between the normal and the sticky queue: `ratio` of them
 * (at least one) on the normal queue, the rest (at least one) on the sticky
 * queue. A ratio of 1 means no sticky queue.
 */
export function splitPolls(total: number, ratio: number): { nonSticky: number; sticky: number } {
  if (ratio >= 1) return { nonSticky: Math.max(1, total), sticky: 0 };
  const nonSticky = Math.max(1, Math.floor(total * ratio));
  return { nonSticky, sticky: Math.max(1, total - nonSticky) };
}

import * as v from "valibot";
import { type Duration, msToNumber } from "../../common/duration.ts";
import { formatIssues } from "../../common/validation.ts";
import type { Connection } from "../../connection/connection.ts";
import type { DataConverter } from "../../converter/types.ts";
import type { Logger } from "../../logging/types.ts";
import { type MetricMeter, noopMeter } from "../../metrics/types.ts";
import type { Platform } from "../../platform/platform.ts";
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
 * Options of an activity worker. Names and defaults follow
 * @temporalio/worker's WorkerOptions where the meaning is the same.
 */
export interface ActivityWorkerOptions {
  connection: Connection;
  /** Default: the connection's namespace. */
  namespace?: string;
  taskQueue: string;
  /** The activities this worker runs, by activity type name. */
  // biome-ignore lint/suspicious/noExplicitAny: activities take and return whatever the user's code does.
  activities: Record<string, (...args: any[]) => unknown>;
  /** Default `${pid}@${hostname}`. */
  identity?: string;
  /** Activities running at once; a poll is made only with a free slot. Default 100. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Concurrent long polls. Default min(10, maxConcurrentActivityTaskExecutions), as the official worker. */
  maxConcurrentActivityTaskPolls?: number;
  /** Activities this worker starts per second at most. Default: no limit. */
  maxActivitiesPerSecond?: number;
  /** Limit for the whole task queue, enforced by the server (sent with each poll). Default: none. */
  maxTaskQueueActivitiesPerSecond?: number;
  /** How long shutdown lets running activities finish before cancelling them. Default 0. */
  shutdownGraceTime?: Duration;
  /** Upper bound of the heartbeat throttle interval. Default "60s". */
  maxHeartbeatThrottleInterval?: Duration;
  /** Throttle interval of activities without a heartbeat timeout. Default "30s". */
  defaultHeartbeatThrottleInterval?: Duration;
  /**
   * Extra time past the heartbeat or start-to-close timeout before the worker
   * itself cancels the activity (reason TIMED_OUT), as sdk-core's
   * local_timeout_buffer_for_activities. Default "5s".
   */
  localTimeoutBuffer?: Duration;
  dataConverter?: DataConverter;
  logger?: Logger;
  metrics?: MetricMeter;
  /** The runtime's powers: identity, and the async context behind Context.current(). */
  platform: ActivityWorkerPlatform;
}

export type ActivityWorkerPlatform = Pick<Platform, "hostname" | "pid" | "createAsyncLocalStorage">;

export interface ResolvedActivityWorkerOptions {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  activities: ReadonlyMap<string, (...args: unknown[]) => unknown>;
  identity: string;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentActivityTaskPolls: number;
  maxActivitiesPerSecond: number | undefined;
  maxTaskQueueActivitiesPerSecond: number | undefined;
  shutdownGraceTimeMs: number;
  maxHeartbeatThrottleIntervalMs: number;
  defaultHeartbeatThrottleIntervalMs: number;
  localTimeoutBufferMs: number;
  dataConverter: DataConverter | undefined;
  logger: Logger | undefined;
  metrics: MetricMeter;
  platform: ActivityWorkerPlatform;
}


const positiveRate = v.pipe(
  v.number(),
  v.check((n) => Number.isFinite(n) && n > 0, "must be a number of tasks per second above 0"),
);

const OptionsSchema = v.strictObject({
  connection: connectionSchema,
  namespace: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty"))),
  taskQueue: v.pipe(v.string("must be the name of a task queue"), v.nonEmpty("must not be empty")),
  activities: v.pipe(
    v.record(v.string(), v.function("must be a function")),
    v.check((o) => Object.keys(o).length > 0, "must register at least one activity function"),
  ),
  identity: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty"))),
  maxConcurrentActivityTaskExecutions: v.optional(positiveInt),
  maxConcurrentActivityTaskPolls: v.optional(positiveInt),
  maxActivitiesPerSecond: v.optional(positiveRate),
  maxTaskQueueActivitiesPerSecond: v.optional(positiveRate),
  shutdownGraceTime: v.optional(duration),
  maxHeartbeatThrottleInterval: v.optional(duration),
  defaultHeartbeatThrottleInterval: v.optional(duration),
  localTimeoutBuffer: v.optional(duration),
  dataConverter: v.optional(dataConverterSchema),
  logger: v.optional(loggerSchema),
  metrics: v.optional(meterSchema),
  platform: v.custom<ActivityWorkerPlatform>(
    hasMethods("hostname", "pid", "createAsyncLocalStorage"),
    "must be the runtime's Platform (the `platform` export of temporal-edge-worker)",
  ),
});

/** Validates options and fills in defaults; throws a TypeError naming each bad field. */
export function resolveActivityWorkerOptions(options: ActivityWorkerOptions): ResolvedActivityWorkerOptions {
  const parsed = v.safeParse(OptionsSchema, options);
  if (!parsed.success) throw new TypeError(`invalid activity worker options: ${formatIssues(parsed.issues)}`);
  const o = parsed.output;
  const executions = o.maxConcurrentActivityTaskExecutions ?? 100;
  return {
    connection: o.connection,
    namespace: o.namespace ?? o.connection.options.namespace,
    taskQueue: o.taskQueue,
    activities: new Map(Object.entries(o.activities) as Array<[string, (...args: unknown[]) => unknown]>),
    identity: o.identity ?? `${o.platform.pid()}@${o.platform.hostname()}`,
    maxConcurrentActivityTaskExecutions: executions,
    // A poll holds a slot, so more pollers than slots would only wait.
    maxConcurrentActivityTaskPolls: Math.min(o.maxConcurrentActivityTaskPolls ?? 10, executions),
    maxActivitiesPerSecond: o.maxActivitiesPerSecond,
    maxTaskQueueActivitiesPerSecond: o.maxTaskQueueActivitiesPerSecond,
    shutdownGraceTimeMs: msToNumber(o.shutdownGraceTime ?? 0),
    maxHeartbeatThrottleIntervalMs: msToNumber(o.maxHeartbeatThrottleInterval ?? "60s"),
    defaultHeartbeatThrottleIntervalMs: msToNumber(o.defaultHeartbeatThrottleInterval ?? "30s"),
    localTimeoutBufferMs: msToNumber(o.localTimeoutBuffer ?? "5s"),
    dataConverter: o.dataConverter,
    logger: o.logger,
    metrics: o.metrics ?? noopMeter,
    platform: o.platform,
  };
}

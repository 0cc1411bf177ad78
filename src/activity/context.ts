import { sleep as sleepUntilAborted } from "../common/backoff.ts";
import { type Duration, msToNumber } from "../common/duration.ts";
import type { Logger, LogLevel, LogMetadata } from "../logging/types.ts";
import type { MetricMeter } from "../metrics/types.ts";
import { currentContext } from "./context-storage.ts";
import type { ActivityCancellationDetails, Info } from "./info.ts";

/** What the worker gives each activity's Context; not meant for activity code. */
export interface ContextInit {
  info: Info;
  /** Rejects with a CancelledFailure when the activity is cancelled; never resolves. */
  cancelled: Promise<never>;
  /** Aborted, with the same CancelledFailure as reason, when the activity is cancelled. */
  cancellationSignal: AbortSignal;
  heartbeat: (details?: unknown) => void;
  /** Set when cancellation arrives; read through `cancellationDetails`. */
  cancellationDetails: () => ActivityCancellationDetails | undefined;
  log: Logger;
  metricMeter: MetricMeter;
}

/**
 * The running activity's view of itself, as @temporalio/activity's Context:
 * `Context.current()` from anywhere in the activity's asynchronous flow.
 * The official `client` property is not offered (no worker-bound client yet).
 */
export class Context {
  readonly info: Info;
  /** Rejects with a CancelledFailure once cancellation is delivered (which needs heartbeats). Never resolves. */
  readonly cancelled: Promise<never>;
  /** Aborted on cancellation; hand it to fetch and other abortable APIs. */
  readonly cancellationSignal: AbortSignal;
  /** Logs with the activity's attributes (activityId, attempt, workflowId...). */
  log: Logger;
  readonly metricMeter: MetricMeter;
  /**
   * Records progress and keeps the activity alive. Calls are throttled (at most
   * one send per 0.8 × heartbeat timeout, and the last details are always sent);
   * a retry sees the last details as `info.heartbeatDetails`.
   */
  readonly heartbeat: (details?: unknown) => void;
  readonly #details: () => ActivityCancellationDetails | undefined;

  /** @ignore Built by the worker. */
  constructor(init: ContextInit) {
    this.info = init.info;
    this.cancelled = init.cancelled;
    this.cancellationSignal = init.cancellationSignal;
    this.heartbeat = init.heartbeat;
    this.log = init.log;
    this.metricMeter = init.metricMeter;
    this.#details = init.cancellationDetails;
  }

  /** The context of the activity this code runs in; throws outside an activity. */
  static current(): Context {
    const context = currentContext();
    if (context === undefined) {
      throw new Error(
        "Context.current() was called outside an activity: call it from activity code run by an activity worker (or from code it calls)",
      );
    }
    return context;
  }

  /**
   * Waits `ms` (milliseconds or a string such as "2s"); rejects with the
   * CancelledFailure as soon as the activity is cancelled.
   */
  readonly sleep = (ms: Duration): Promise<void> =>
    sleepUntilAborted(msToNumber(ms, "sleep(ms)"), this.cancellationSignal);

  /** Why the activity was cancelled, or undefined while it is not. */
  get cancellationDetails(): ActivityCancellationDetails | undefined {
    return this.#details();
  }
}

/** The current activity's Info. */
export function activityInfo(): Info {
  return Context.current().info;
}

/** Shortcut for `Context.current().heartbeat(details)`. */
export function heartbeat(details?: unknown): void {
  Context.current().heartbeat(details);
}

/** Shortcut for `Context.current().sleep(ms)`. */
export function sleep(ms: Duration): Promise<void> {
  return Context.current().sleep(ms);
}

/** Shortcut for `Context.current().cancelled`. */
export function cancelled(): Promise<never> {
  return Context.current().cancelled;
}

/** Shortcut for `Context.current().cancellationSignal`. */
export function cancellationSignal(): AbortSignal {
  return Context.current().cancellationSignal;
}

/** Shortcut for `Context.current().cancellationDetails`. */
export function cancellationDetails(): ActivityCancellationDetails | undefined {
  return Context.current().cancellationDetails;
}

/** Logs through the current activity's logger; usable only inside an activity. */
export const log: Logger = {
  log: (level: LogLevel, message: string, meta?: LogMetadata) => Context.current().log.log(level, message, meta),
  trace: (message, meta) => Context.current().log.trace(message, meta),
  debug: (message, meta) => Context.current().log.debug(message, meta),
  info: (message, meta) => Context.current().log.info(message, meta),
  warn: (message, meta) => Context.current().log.warn(message, meta),
  error: (message, meta) => Context.current().log.error(message, meta),
};

/** The current activity's metric meter (labels: namespace, task_queue, activity_type). */
export const metricMeter: MetricMeter = {
  counter: (name, description) => Context.current().metricMeter.counter(name, description),
  gauge: (name, description) => Context.current().metricMeter.gauge(name, description),
  histogram: (name, description) => Context.current().metricMeter.histogram(name, description),
  withLabels: (labels) => Context.current().metricMeter.withLabels(labels),
};

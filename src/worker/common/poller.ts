import { type BackoffOptions, backoffDelay, defaultBackoff, resourceExhaustedBackoff, sleep } from "../../common/backoff.ts";
import { Code, ServiceError } from "../../common/errors.ts";
import type { Logger } from "../../logging/types.ts";
import type { RateLimiter } from "./rate-limiter.ts";
import type { SlotPermit, SlotSupplier } from "./slots.ts";

/**
 * The poll loop shared by the activity and workflow workers: `concurrency`
 * loops, each taking a slot (and a rate-limit token) before it long-polls, so
 * a task that arrives can always start. Poll errors are retried with backoff
 * in the same loop, so a flaky server never costs a poller; errors no retry
 * can fix (bad credentials, unknown namespace) end the poller set through
 * `onFatal`.
 */
export interface PollerOptions<T> {
  /** For logs, e.g. "activity". */
  name: string;
  /** Concurrent long polls. */
  concurrency: number;
  slots: SlotSupplier;
  rateLimiter?: RateLimiter | undefined;
  /** One long poll; resolves `undefined` for an empty answer (the server's poll timeout). */
  poll(signal: AbortSignal): Promise<T | undefined>;
  /** Takes ownership of the task and its permit; must not throw (errors are logged). */
  handle(task: T, permit: SlotPermit): void;
  logger: Logger;
  backoff?: BackoffOptions;
  /** Called once for an error that retrying cannot fix; the pollers have stopped by then. */
  onFatal?(err: unknown): void;
  onEmptyPoll?(): void;
  onTask?(): void;
}

export interface PollerStatus {
  /** Long polls waiting on the server now. */
  readonly inFlight: number;
  /** Polls that returned a task. */
  readonly succeeded: number;
  /** Polls that returned empty. */
  readonly empty: number;
  /** Polls that failed (each retried). */
  readonly failed: number;
  /** Consecutive failures of the most recently failing poll; 0 once a poll works again. */
  readonly consecutiveFailures: number;
}

export interface Poller {
  readonly status: PollerStatus;
  /** Starts the loops; calling it twice is an error. */
  start(): void;
  /** Aborts the polls in flight and resolves when every loop has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Status codes for which another poll cannot succeed until someone changes something. */
const fatalCodes: ReadonlySet<Code> = new Set([
  Code.Unauthenticated,
  Code.PermissionDenied,
  Code.NotFound,
  Code.InvalidArgument,
  Code.Unimplemented,
  Code.FailedPrecondition,
]);

export function createPoller<T>(options: PollerOptions<T>): Poller {
  // One controller per loop rather than one shared signal: every poll, slot
  // wait and backoff listens to its loop's signal, and a shared one would
  // gather a listener per poller (a leak warning on Node past ten pollers).
  const stoppers: AbortController[] = [];
  let stopped = false;
  const stopAll = (reason: unknown) => {
    stopped = true;
    for (const stopper of stoppers) stopper.abort(reason);
  };
  const status = { inFlight: 0, succeeded: 0, empty: 0, failed: 0, consecutiveFailures: 0 };
  let loops: Promise<void>[] | undefined;
  let fatalReported = false;

  async function loop(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      let permit: SlotPermit;
      try {
        permit = await options.slots.acquire(signal);
      } catch {
        return;
      }
      try {
        await options.rateLimiter?.acquire(signal);
      } catch {
        permit.release();
        return;
      }
      let task: T | undefined;
      status.inFlight++;
      try {
        task = await options.poll(signal);
      } catch (err) {
        permit.release();
        if (signal.aborted) return;
        status.failed++;
        failures++;
        status.consecutiveFailures = failures;
        if (err instanceof ServiceError && fatalCodes.has(err.code)) {
          reportFatal(err);
          return;
        }
        const resourceExhausted = err instanceof ServiceError && err.code === Code.ResourceExhausted;
        const delay = backoffDelay(resourceExhausted ? resourceExhaustedBackoff : (options.backoff ?? defaultBackoff), failures);
        options.logger.warn(`${options.name} poll failed; retrying in ${delay} ms`, {
          error: err instanceof Error ? err.message : String(err),
          attempt: failures,
        });
        try {
          await sleep(delay, signal);
        } catch {
          return;
        }
        continue;
      } finally {
        status.inFlight--;
      }
      failures = 0;
      status.consecutiveFailures = 0;
      if (task === undefined) {
        permit.release();
        status.empty++;
        options.onEmptyPoll?.();
        continue;
      }
      status.succeeded++;
      permit.markUsed();
      options.onTask?.();
      try {
        options.handle(task, permit);
      } catch (err) {
        permit.release();
        options.logger.error(`${options.name} task handler threw; the task was dropped`, {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
  }

  function reportFatal(err: unknown): void {
    if (fatalReported) return;
    fatalReported = true;
    options.logger.error(`${options.name} poll failed with an error retrying cannot fix; stopping the pollers`, {
      error: err instanceof Error ? err.message : String(err),
    });
    stopAll(err);
    options.onFatal?.(err);
  }

  return {
    status,
    start() {
      if (loops) throw new Error(`${options.name} poller already started`);
      loops = Array.from({ length: options.concurrency }, () => {
        const stopper = new AbortController();
        stoppers.push(stopper);
        if (stopped) stopper.abort(new Error(`${options.name} poller stopped`));
        return loop(stopper.signal);
      });
    },
    async stop() {
      if (!stopped) stopAll(new Error(`${options.name} poller stopped`));
      await Promise.all(loops ?? []);
    },
  };
}

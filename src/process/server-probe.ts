/**
 * Whether the Temporal Service answers this process: the "server answered"
 * half of readiness. Long polls cannot say it: a worker whose task queues are
 * empty has every poll waiting on the server (up to a minute) with no verdict,
 * and a poll that failed while the server was away keeps that verdict until a
 * later poll returns. So the process asks the server itself (GetSystemInfo,
 * the cheapest call every frontend allows) every few seconds, keeps the last
 * error for /readyz and the logs, and recovers on its own when the server
 * comes back: a frontend restart does not crash-loop the fleet.
 */
import { backoffDelay, type BackoffOptions, sleep } from "../common/backoff.ts";
import type { Logger } from "../logging/types.ts";

export interface ServerStatus {
  /** Whether the latest check got an answer; false before the first one. */
  reachable: boolean;
  /** Why the latest check failed, while it fails. */
  lastError?: string;
}

export interface ServerProbeOptions {
  /** One check, e.g. `(signal) => connection.workflowService.getSystemInfo({}, { signal })`; resolves when the server answered. */
  check: (signal: AbortSignal) => Promise<unknown>;
  /** host:port, for the log lines. */
  address: string;
  logger: Logger;
  /** Time between checks while the server answers. Default 5 s. */
  intervalMs?: number;
  /** Delay between failed checks. Default 500 ms growing to 5 s. */
  backoff?: BackoffOptions;
}

export interface ServerProbe {
  status(): ServerStatus;
  /** Checks until stop() is called; resolves then. */
  run(): Promise<void>;
  stop(): void;
}

const defaultProbeBackoff: BackoffOptions = { initialMs: 500, multiplier: 2, maxMs: 5_000, jitter: 0.2 };

export function createServerProbe(options: ServerProbeOptions): ServerProbe {
  const abort = new AbortController();
  const { logger, address } = options;
  const status: ServerStatus = { reachable: false };
  let answeredBefore = false;
  let failures = 0;
  const run = async () => {
    while (!abort.signal.aborted) {
      let delay: number;
      try {
        await options.check(abort.signal);
        if (!status.reachable) logger.info(`the Temporal Service at ${address} ${answeredBefore ? "answers again" : "answered"}`, { address });
        status.reachable = true;
        answeredBefore = true;
        failures = 0;
        delete status.lastError;
        delay = options.intervalMs ?? 5_000;
      } catch (err) {
        if (abort.signal.aborted) return;
        const message = err instanceof Error ? err.message : String(err);
        failures++;
        delay = backoffDelay(options.backoff ?? defaultProbeBackoff, failures);
        // Once when the trouble starts and whenever its cause changes, not at every retry.
        if (status.reachable || failures === 1 || message !== status.lastError) {
          logger.warn(`the Temporal Service at ${address} does not answer: ${message}; retrying (/readyz answers 503 meanwhile)`, { address, attempt: failures });
        }
        status.reachable = false;
        status.lastError = message;
      }
      await sleep(delay, abort.signal).catch(() => undefined);
    }
  };
  return {
    status: () => ({ ...status }),
    run,
    stop: () => abort.abort(),
  };
}

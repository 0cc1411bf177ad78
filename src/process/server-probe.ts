/**
 * Whether the Temporal Service has answered this process yet: the "server
 * answered" half of readiness. A worker that has just started and finds its
 * task queues empty has every long poll waiting on the server (up to a
 * minute) with no verdict; a probe that gets any answer (GetSystemInfo)
 * shows that those polls reach a live server. Until it does, the probe keeps
 * trying with backoff and keeps the last error for /readyz and the logs, so
 * an unreachable server is reported, and the worker recovers on its own when
 * the server comes up (a rolling restart of the frontend does not crash-loop
 * the fleet).
 */
import { backoffDelay, type BackoffOptions, sleep } from "../common/backoff.ts";
import type { Logger } from "../logging/types.ts";

export interface ServerStatus {
  /** True once the server has answered; stays true (polls report later trouble per entity). */
  answered: boolean;
  /** Why the latest attempt failed, while it has not answered. */
  lastError?: string;
}

export interface ServerProbeOptions {
  /** One check, e.g. `() => connection.workflowService.getSystemInfo({})`; resolves when the server answered. */
  check: (signal: AbortSignal) => Promise<unknown>;
  /** host:port, for the log lines. */
  address: string;
  logger: Logger;
  /** Delay between failed checks (each check has the connection's own retries). Default 1 s growing to 10 s. */
  backoff?: BackoffOptions;
}

export interface ServerProbe {
  status(): ServerStatus;
  /** Checks until the server answers or stop() is called; resolves then. */
  run(): Promise<void>;
  stop(): void;
}

const defaultProbeBackoff: BackoffOptions = { initialMs: 1_000, multiplier: 2, maxMs: 10_000, jitter: 0.2 };

export function createServerProbe(options: ServerProbeOptions): ServerProbe {
  const abort = new AbortController();
  const status: ServerStatus = { answered: false };
  const run = async () => {
    for (let attempt = 1; !abort.signal.aborted; attempt++) {
      try {
        await options.check(abort.signal);
        status.answered = true;
        delete status.lastError;
        options.logger.info(`the Temporal Service at ${options.address} answered`, { address: options.address });
        return;
      } catch (err) {
        if (abort.signal.aborted) return;
        status.lastError = err instanceof Error ? err.message : String(err);
        const delay = backoffDelay(options.backoff ?? defaultProbeBackoff, attempt);
        options.logger.warn(`the Temporal Service at ${options.address} does not answer: ${status.lastError}; retrying in ${Math.round(delay)} ms (/readyz stays 503 meanwhile)`, {
          address: options.address,
          attempt,
        });
        await sleep(delay, abort.signal).catch(() => undefined);
      }
    }
  };
  return {
    status: () => ({ ...status }),
    run,
    stop: () => abort.abort(),
  };
}

import type { Logger } from "../logging/types.ts";
import type { Platform } from "../platform/platform.ts";
import type { WorkerProcess } from "./host.ts";

/** Exit code after a forced exit: 128 + the signal's number, as shells report it. */
export const forcedExitCodes = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The first SIGINT or SIGTERM begins a graceful shutdown; a second one ends
 * the process at once (an operator pressing Ctrl-C twice, or an orchestrator
 * that has run out of patience). Returns a function that removes the handlers.
 */
export function handleShutdownSignals(platform: Pick<Platform, "onShutdownSignal" | "exit">, worker: WorkerProcess, logger: Logger): () => void {
  let received = 0;
  return platform.onShutdownSignal((signal) => {
    received++;
    if (received === 1) {
      logger.info(`received ${signal}: draining; send it again to exit at once`, { signal });
      worker.shutdown(`received ${signal}`);
      return;
    }
    logger.warn(`received ${signal} again: exiting without waiting for in-flight tasks`, { signal, state: worker.state });
    platform.exit(forcedExitCodes[signal]);
  });
}

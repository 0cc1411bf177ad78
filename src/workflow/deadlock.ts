/**
 * Workflow code ran longer than the deadlock timeout without yielding (an
 * infinite loop, a busy wait, a blocking call). The activation fails with
 * this error, so its workflow task fails and the run is evicted; the rest of
 * the process is not affected.
 */
export class DeadlockError extends Error {
  override readonly name = "DeadlockError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown; runId?: string }) {
    super(
      `[TMPRL1101] Potential deadlock detected: workflow code${options?.runId ? ` of run ${options.runId}` : ""} did not yield within ${timeoutMs} ms. ` +
        "Look for an infinite loop or a blocking call in the workflow (or its signal, query or update handlers); " +
        "raise the limit with the worker's deadlockTimeoutMs option if the code is just slow",
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A run was dropped with its workflow thread (replaced after another run on
 * it deadlocked, on Node and Bun where a spinning thread can only be
 * terminated). Nothing is wrong with the run: evict it and replay it from its
 * history, which the worker does when told through `onRunsLost`.
 */
export class WorkflowThreadLostError extends Error {
  override readonly name = "WorkflowThreadLostError";
  readonly runId: string;

  constructor(runId: string, reason: string) {
    super(`Workflow run ${runId} was evicted from the workflow runtime: ${reason}. Evict it and replay it from its full history (its state was lost with the thread)`);
    this.runId = runId;
  }
}

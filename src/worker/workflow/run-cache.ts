import type { WorkflowRun } from "../../engine/workflow-run.ts";

/**
 * The workflow runs a worker keeps between tasks (sdk-core's run cache),
 * least recently used first, and the per-run queue that makes tasks of one
 * run (a workflow task, a legacy query, an eviction) happen one at a time.
 */
export interface RunCache {
  readonly size: number;
  readonly max: number;
  /** The cached run, marked as most recently used. */
  get(runId: string): WorkflowRun | undefined;
  set(run: WorkflowRun): void;
  delete(runId: string): boolean;
  runIds(): string[];
  /** The least recently used run with nothing running or queued, other than `except`. */
  evictionCandidate(except: string): string | undefined;
  /** Runs `fn` once every earlier `exclusive` call for the same run has finished. */
  exclusive<T>(runId: string, fn: () => Promise<T>): Promise<T>;
  /** Runs with work running or queued. */
  readonly busyCount: number;
  /** Resolves when no run has work running or queued. */
  idle(): Promise<void>;
}

export function createRunCache(max: number): RunCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  const runs = new Map<string, WorkflowRun>();
  const queues = new Map<string, { tail: Promise<unknown>; pending: number }>();
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (queues.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  return {
    get size() {
      return runs.size;
    },
    max,
    get(runId) {
      const run = runs.get(runId);
      if (run !== undefined) {
        runs.delete(runId);
        runs.set(runId, run);
      }
      return run;
    },
    set(run) {
      runs.delete(run.runId);
      runs.set(run.runId, run);
    },
    delete: (runId) => runs.delete(runId),
    runIds: () => [...runs.keys()],
    evictionCandidate(except) {
      for (const runId of runs.keys()) {
        if (runId !== except && !queues.has(runId)) return runId;
      }
      return undefined;
    },
    exclusive(runId, fn) {
      const queue = queues.get(runId) ?? { tail: Promise.resolve(), pending: 0 };
      queues.set(runId, queue);
      queue.pending++;
      const result = queue.tail.then(fn);
      queue.tail = result.then(
        () => undefined,
        () => undefined,
      );
      void queue.tail.then(() => {
        queue.pending--;
        if (queue.pending === 0 && queues.get(runId) === queue) {
          queues.delete(runId);
          settleIdle();
        }
      });
      return result;
    },
    get busyCount() {
      return queues.size;
    },
    idle() {
      if (queues.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/**
 * Matching: hands tasks to long-polling workers. A task is a reference whose
 * `claim` builds the poll response at hand-out time (so it reflects the
 * latest state, and may be stale: then it is dropped), because events keep
 * arriving between the moment a task is queued and the moment it is polled.
 */
export interface TaskRef<R> {
  claim(identity: string): R | undefined;
}

export interface PollerInfo {
  identity: string;
  lastAccessTime: number;
}

export interface Matching<R> {
  add(queue: string, task: TaskRef<R>): void;
  /**
   * Resolves with a task, or `undefined` after `timeoutMs` or when `signal`
   * aborts. `workerKey` (the poll's worker_instance_key) lets ShutdownWorker
   * end this worker's polls.
   */
  poll(queue: string, identity: string, signal: AbortSignal, timeoutMs: number, workerKey?: string): Promise<R | undefined>;
  /** Moves queued tasks from one queue to another (sticky queue fallback). */
  move(from: string, to: string): void;
  /** Ends all waiting polls with no task. */
  releaseAll(queue?: string): void;
  /** Ends the waiting polls of one worker instance (ShutdownWorker), on every queue. */
  releaseWorker(workerKey: string): void;
  /**
   * Retires a queue whose only worker shut down (a sticky queue): its waiting
   * polls end, later polls get nothing, and it no longer counts as polled.
   */
  retire(queue: string): void;
  /** Whether the queue was retired. */
  isRetired(queue: string): boolean;
  /** Pollers seen recently on a queue (DescribeTaskQueue, sticky liveness). */
  pollers(queue: string): PollerInfo[];
  /** Whether a poll is waiting on the queue right now. */
  hasWaitingPoller(queue: string): boolean;
  close(): void;
}

interface Waiter<R> {
  identity: string;
  workerKey: string | undefined;
  settle(task: R | undefined): void;
}

interface Queue<R> {
  tasks: TaskRef<R>[];
  waiters: Waiter<R>[];
  pollers: Map<string, number>;
}

export function createMatching<R>(): Matching<R> {
  const queues = new Map<string, Queue<R>>();
  const retired = new Set<string>();
  let closed = false;
  const queueOf = (name: string): Queue<R> => {
    let q = queues.get(name);
    if (q === undefined) {
      q = { tasks: [], waiters: [], pollers: new Map() };
      queues.set(name, q);
    }
    return q;
  };

  const add = (name: string, task: TaskRef<R>) => {
    const q = queueOf(name);
    while (q.waiters.length > 0) {
      const waiter = q.waiters.shift() as Waiter<R>;
      const claimed = task.claim(waiter.identity);
      if (claimed === undefined) {
        q.waiters.unshift(waiter);
        return;
      }
      waiter.settle(claimed);
      return;
    }
    q.tasks.push(task);
  };

  return {
    add,
    poll(name, identity, signal, timeoutMs, workerKey) {
      if (retired.has(name)) return Promise.resolve(undefined);
      const q = queueOf(name);
      q.pollers.set(identity, Date.now());
      while (q.tasks.length > 0) {
        const claimed = (q.tasks.shift() as TaskRef<R>).claim(identity);
        if (claimed !== undefined) return Promise.resolve(claimed);
      }
      if (closed || signal.aborted) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const waiter: Waiter<R> = {
          identity,
          workerKey,
          settle(task) {
            clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            const i = q.waiters.indexOf(waiter);
            if (i !== -1) q.waiters.splice(i, 1);
            q.pollers.set(identity, Date.now());
            resolve(task);
          },
        };
        const onAbort = () => waiter.settle(undefined);
        const timer = setTimeout(onAbort, timeoutMs);
        signal.addEventListener("abort", onAbort, { once: true });
        q.waiters.push(waiter);
      });
    },
    move(from, to) {
      const q = queues.get(from);
      if (q === undefined) return;
      const tasks = q.tasks.splice(0, q.tasks.length);
      for (const t of tasks) add(to, t);
    },
    releaseAll(name) {
      const targets = name === undefined ? [...queues.values()] : [queues.get(name)].filter((q) => q !== undefined);
      for (const q of targets) for (const w of [...q.waiters]) w.settle(undefined);
    },
    releaseWorker(workerKey) {
      for (const q of queues.values()) for (const w of [...q.waiters]) if (w.workerKey === workerKey) w.settle(undefined);
    },
    retire(name) {
      retired.add(name);
      const q = queues.get(name);
      if (q === undefined) return;
      for (const w of [...q.waiters]) w.settle(undefined);
      q.pollers.clear();
    },
    isRetired: (name) => retired.has(name),
    pollers(name) {
      const q = queues.get(name);
      if (q === undefined) return [];
      return [...q.pollers].map(([identity, lastAccessTime]) => ({ identity, lastAccessTime }));
    },
    hasWaitingPoller: (name) => (queues.get(name)?.waiters.length ?? 0) > 0,
    close() {
      closed = true;
      for (const q of queues.values()) for (const w of [...q.waiters]) w.settle(undefined);
    },
  };
}

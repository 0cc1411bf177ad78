// A worker entity driven by real timers, standing in for the real workers in
// process, health and CLI tests: it "polls" (lastPollOk after a delay), drains
// for a while after shutdown(), and can fail or hang on request.
import type { EntityRole, EntityState, EntityStatus, WorkerEntity } from "../../src/process/entity.ts";

export interface FakeEntityOptions {
  taskQueue: string;
  roles?: EntityRole[];
  /** Delay before the first poll answers. Default 10 ms. */
  firstPollMs?: number;
  /** Time from shutdown() to a resolved run(). Default 30 ms. */
  drainMs?: number;
  /** Fails run() this long after it starts. */
  failAfterMs?: number;
  /** Never finishes draining. */
  hang?: boolean;
  /** Called when the first poll answers (to record metrics, say). */
  onPoll?: () => void;
}

export interface FakeEntity extends WorkerEntity {
  readonly shutdownCalls: number;
  readonly states: EntityState[];
}

export function createFakeEntity(options: FakeEntityOptions): FakeEntity {
  let state: EntityState = "INITIALIZED";
  const states: EntityState[] = [state];
  let polling = false;
  let lastPollOk: boolean | undefined;
  let lastError: string | undefined;
  let shutdownCalls = 0;
  let finish: (() => void) | undefined;
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const set = (next: EntityState) => {
    state = next;
    states.push(next);
  };
  return {
    taskQueue: options.taskQueue,
    roles: options.roles ?? ["activity"],
    get shutdownCalls() {
      return shutdownCalls;
    },
    states,
    run() {
      set("RUNNING");
      polling = true;
      return new Promise<void>((resolve, reject) => {
        finish = resolve;
        timers.push(
          setTimeout(() => {
            if (!polling) return;
            lastPollOk = true;
            options.onPoll?.();
          }, options.firstPollMs ?? 10),
        );
        if (options.failAfterMs !== undefined) {
          timers.push(
            setTimeout(() => {
              polling = false;
              lastError = `poller for ${options.taskQueue} gave up: PermissionDenied`;
              set("FAILED");
              reject(new Error(lastError));
            }, options.failAfterMs),
          );
        }
      });
    },
    shutdown() {
      shutdownCalls++;
      if (state !== "RUNNING") return;
      set("STOPPING");
      polling = false;
      timers.push(
        setTimeout(() => {
          set("DRAINING");
          if (options.hang) return;
          timers.push(
            setTimeout(() => {
              set("DRAINED");
              set("STOPPED");
              for (const t of timers) clearTimeout(t);
              finish?.();
            }, options.drainMs ?? 30),
          );
        }, 5),
      );
    },
    getState: () => state,
    getStatus(): EntityStatus {
      const s: EntityStatus = { state, polling, lastPollOk, inFlight: { workflowTasks: 0, activities: state === "DRAINING" ? 1 : 0 } };
      if (lastError !== undefined) s.lastError = lastError;
      return s;
    },
  };
}

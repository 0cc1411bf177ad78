import type {
  PollActivityTaskQueueResponse,
  PollWorkflowTaskQueueResponse,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type Clock, createRealClock, createVirtualClock } from "./clock.ts";
import type { EngineContext } from "./engine-context.ts";
import type { PendingQuery } from "./executions/queries.ts";
import type { RunState } from "./executions/run-state.ts";
import { addNamespace } from "./namespaces.ts";
import { createMemoryStore, type Store } from "./store.ts";
import { createMatching } from "./task-queues/matching.ts";

export interface EngineOptions {
  namespaces: readonly string[];
  timeSkipping: boolean;
  store?: Store;
}

/** Whether a run has work a worker must do now: time skipping waits while any run does. */
function hasOutstandingWork(run: RunState): boolean {
  if (run.wft !== undefined) return true;
  for (const activity of run.activities.values()) if (activity.state !== "backoff") return true;
  return false;
}

export function createEngine(options: EngineOptions): EngineContext {
  const store = options.store ?? createMemoryStore();
  const queries = new Map<string, PendingQuery>();
  let clock: Clock;
  if (options.timeSkipping) {
    clock = createVirtualClock(() => {
      if (queries.size > 0) return false;
      for (const run of store.openRuns()) if (hasOutstandingWork(run)) return false;
      return true;
    });
  } else {
    clock = createRealClock();
  }
  for (const name of new Set(["default", ...options.namespaces])) {
    if (store.getNamespace(name) === undefined) addNamespace(store, name);
  }
  return {
    store,
    clock,
    workflowTasks: createMatching<PollWorkflowTaskQueueResponse>(),
    activityTasks: createMatching<PollActivityTaskQueueResponse>(),
    queries,
    identity: "temporal-edge-worker-dev-server",
  };
}

/** Stops timers and ends every waiting long poll. */
export function closeEngine(ctx: EngineContext): void {
  ctx.clock.close();
  ctx.workflowTasks.close();
  ctx.activityTasks.close();
}

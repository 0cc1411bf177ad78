import type {
  PollActivityTaskQueueResponse,
  PollWorkflowTaskQueueResponse,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { Clock } from "./clock.ts";
import type { PendingQuery } from "./executions/queries.ts";
import type { Matching } from "./task-queues/matching.ts";
import type { Store } from "./store.ts";

/** What every part of the engine shares: state, time, and the task queues. */
export interface EngineContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly workflowTasks: Matching<PollWorkflowTaskQueueResponse>;
  readonly activityTasks: Matching<PollActivityTaskQueueResponse>;
  readonly queries: Map<string, PendingQuery>;
  /** Identity written into events the server itself causes. */
  readonly identity: string;
}

/** Matching key of a task queue: queues are per namespace. */
export function queueKey(namespace: string, taskQueue: string): string {
  return `${namespace}/${taskQueue}`;
}

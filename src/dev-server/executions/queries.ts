import { create } from "@bufbuild/protobuf";
import type { Payloads } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { WorkflowQuery } from "../../../gen/temporal/api/query/v1/message_pb.ts";
import { PollWorkflowTaskQueueResponseSchema } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type EngineContext, queueKey } from "../engine-context.ts";
import { newId } from "../ids.ts";
import { encodeToken } from "../tokens.ts";
import { isOpen, type RunState } from "./run-state.ts";

export type QueryOutcome = { answer: Payloads | undefined } | { errorMessage: string; failure: Failure | undefined };

export interface PendingQuery {
  readonly id: string;
  readonly run: RunState;
  claimed: boolean;
  settle(outcome: QueryOutcome): void;
}

/**
 * Sends a query to a worker as a query task (a workflow task carrying
 * `query`): to the sticky worker with the history it lacks when the run is
 * cached there, else to the normal queue with the full history, which also
 * serves queries on closed runs. Resolves when a worker answers; rejects
 * with the signal's reason when the caller gives up.
 */
export function dispatchQuery(ctx: EngineContext, run: RunState, query: WorkflowQuery, signal: AbortSignal): Promise<QueryOutcome> {
  const id = newId();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      ctx.queries.delete(id);
      ctx.clock.poke();
      reject(signal.reason);
    };
    const pending: PendingQuery = {
      id,
      run,
      claimed: false,
      settle(outcome) {
        ctx.queries.delete(id);
        signal.removeEventListener("abort", onAbort);
        ctx.clock.poke();
        resolve(outcome);
      },
    };
    ctx.queries.set(id, pending);
    signal.addEventListener("abort", onAbort, { once: true });
    const sticky = isOpen(run) ? run.sticky?.queue : undefined;
    ctx.workflowTasks.add(queueKey(run.key.namespace, sticky ?? run.taskQueue), {
      claim: () => {
        if (!ctx.queries.has(id) || pending.claimed) return undefined;
        pending.claimed = true;
        const from = sticky !== undefined ? run.lastCompletedStartedEventId + 1n : 1n;
        return create(PollWorkflowTaskQueueResponseSchema, {
          taskToken: encodeToken({ kind: "query", queryId: id }),
          workflowExecution: { workflowId: run.key.workflowId, runId: run.key.runId },
          workflowType: { name: run.workflowType },
          previousStartedEventId: run.lastCompletedStartedEventId,
          startedEventId: run.lastCompletedStartedEventId,
          attempt: 1,
          history: { events: run.history.filter((e) => e.eventId >= from) },
          query,
          workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
        });
      },
    });
  });
}

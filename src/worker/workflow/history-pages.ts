import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { WorkflowServiceClient } from "../../connection/connection.ts";
import { type HistoryPager, readAllPages } from "../../engine/history/history-pager.ts";

export interface RunRef {
  workflowId: string;
  runId: string;
}

/**
 * A HistoryPager over GetWorkflowExecutionHistory: starts at `pageToken`
 * (the `nextPageToken` of a poll response) or, with an empty token, at the
 * first event of the run (the full-history replay of a cache miss).
 */
export function createServiceHistoryPager(
  service: WorkflowServiceClient,
  namespace: string,
  run: RunRef,
  pageToken: Uint8Array,
  signal?: AbortSignal,
): HistoryPager {
  let token = pageToken;
  return {
    async nextPage() {
      const res = await service.getWorkflowExecutionHistory(
        { namespace, execution: { workflowId: run.workflowId, runId: run.runId }, nextPageToken: token },
        signal ? { signal } : undefined,
      );
      token = res.nextPageToken;
      return { events: res.history?.events ?? [], more: token.length > 0 };
    },
  };
}

/** Every event of the run from the first, page by page. */
export async function fetchFullHistory(
  service: WorkflowServiceClient,
  namespace: string,
  run: RunRef,
  signal?: AbortSignal,
): Promise<HistoryEvent[]> {
  const pager = createServiceHistoryPager(service, namespace, run, new Uint8Array(0), signal);
  const first = await pager.nextPage();
  return first.more ? readAllPages(first.events, pager) : first.events;
}

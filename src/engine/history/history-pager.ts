import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";

/**
 * Where the rest of a run's history comes from when a workflow task carries
 * only its first page: the polling worker implements it with
 * GetWorkflowExecutionHistory and the page token of the poll response.
 * The engine stays free of gRPC; it asks for pages through this interface.
 */
export interface HistoryPager {
  /** The next page of events, and whether more pages follow. */
  nextPage(): Promise<{ events: HistoryEvent[]; more: boolean }>;
}

/** Drains a pager into one array (full-history replay on a cache miss). */
export async function readAllPages(first: HistoryEvent[], pager: HistoryPager | undefined): Promise<HistoryEvent[]> {
  const events = first.slice();
  if (pager === undefined) return events;
  for (;;) {
    const page = await pager.nextPage();
    for (const e of page.events) events.push(e);
    if (!page.more) return events;
  }
}

/**
 * WorkflowService methods that block on the server until work or news arrives.
 * They get the long-poll deadline instead of the ordinary call deadline, and
 * the connection does not retry them: their pollers own that loop.
 */
const longPollMethods: ReadonlySet<string> = new Set([
  "pollWorkflowTaskQueue",
  "pollActivityTaskQueue",
  "pollNexusTaskQueue",
  "pollWorkflowExecutionUpdate",
  "updateWorkflowExecution",
]);

/** Whether a call to `method` with `request` waits on the server. */
export function isLongPoll(method: string, request: unknown): boolean {
  if (longPollMethods.has(method)) return true;
  return method === "getWorkflowExecutionHistory" && (request as { waitNewEvent?: boolean } | undefined)?.waitNewEvent === true;
}

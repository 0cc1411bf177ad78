import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { HistoryEventFilterType, TimeoutType } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { ServiceError } from "../common/errors.ts";
import { decodeRetryState, RetryState } from "../failure/enums.ts";
import { WorkflowContinuedAsNewError, WorkflowFailedError } from "./errors.ts";
import type { ClientContext } from "./client-context.ts";
import { rethrowWorkflowError } from "./rpc-errors.ts";

export interface WorkflowResultOptions {
  /** Follow continue-as-new, retry and cron runs to the last one. Default true. */
  followRuns?: boolean;
}

/**
 * Waits for the run to close and returns its result, or throws
 * WorkflowFailedError (failed, cancelled, terminated, timed out) or
 * WorkflowContinuedAsNewError (when not following runs).
 *
 * Long-polls GetWorkflowExecutionHistory for the close event only
 * (waitNewEvent + CLOSE_EVENT filter): one call per run, answered when the run
 * closes, or empty when the server's poll interval ends, in which case we ask again.
 */
export async function workflowResult<T>(
  ctx: ClientContext,
  workflowId: string,
  runId: string | undefined,
  options: WorkflowResultOptions = {},
): Promise<T> {
  const followRuns = options.followRuns ?? true;
  let currentRunId = runId;
  let nextPageToken: Uint8Array = new Uint8Array(0);
  for (;;) {
    let event: HistoryEvent | undefined;
    try {
      const res = await ctx.service.getWorkflowExecutionHistory({
        namespace: ctx.namespace,
        execution: { workflowId, runId: currentRunId ?? "" },
        waitNewEvent: true,
        skipArchival: true,
        historyEventFilterType: HistoryEventFilterType.CLOSE_EVENT,
        nextPageToken,
      });
      const events = res.history?.events ?? [];
      if (events.length === 0) {
        nextPageToken = res.nextPageToken;
        continue;
      }
      if (events.length !== 1) throw new Error(`expected a single close event from the server, got ${events.length}`);
      event = events[0];
    } catch (err) {
      // A server that holds the poll past our long-poll deadline has nothing yet: ask again.
      if (err instanceof ServiceError && err.code === Code.DeadlineExceeded) continue;
      rethrowWorkflowError(err, { workflowId, runId: currentRunId });
    }
    const attrs = event?.attributes;
    // A closed run that hands over to a new one: follow it, or report the hand-over.
    const next = (newRunId: string): boolean => {
      if (!followRuns || !newRunId) return false;
      currentRunId = newRunId;
      nextPageToken = new Uint8Array(0);
      return true;
    };
    switch (attrs?.case) {
      case "workflowExecutionCompletedEventAttributes":
        if (next(attrs.value.newExecutionRunId)) continue;
        // A workflow function returns one value; extra payloads, if any, are ignored.
        return await ctx.payloads.fromPayloadAt<T>(0, attrs.value.result?.payloads);
      case "workflowExecutionFailedEventAttributes": {
        if (next(attrs.value.newExecutionRunId)) continue;
        const { failure, retryState } = attrs.value;
        const cause = failure ? await ctx.payloads.failureToError(failure) : undefined;
        throw new WorkflowFailedError("Workflow execution failed", cause, decodeRetryState(retryState) as RetryState);
      }
      case "workflowExecutionCanceledEventAttributes": {
        const cause = await ctx.payloads.failureToError(
          create(FailureSchema, {
            message: "Workflow canceled",
            failureInfo: { case: "canceledFailureInfo", value: { details: attrs.value.details } },
          }),
        );
        cause.stack = "";
        throw new WorkflowFailedError("Workflow execution cancelled", cause, RetryState.NON_RETRYABLE_FAILURE);
      }
      case "workflowExecutionTerminatedEventAttributes": {
        const message = attrs.value.reason || "Workflow execution terminated";
        const cause = await ctx.payloads.failureToError(
          create(FailureSchema, { message, failureInfo: { case: "terminatedFailureInfo", value: {} } }),
        );
        cause.stack = "";
        throw new WorkflowFailedError(message, cause, RetryState.NON_RETRYABLE_FAILURE);
      }
      case "workflowExecutionTimedOutEventAttributes": {
        if (next(attrs.value.newExecutionRunId)) continue;
        const cause = await ctx.payloads.failureToError(
          create(FailureSchema, {
            message: "Workflow execution timed out",
            failureInfo: { case: "timeoutFailureInfo", value: { timeoutType: TimeoutType.START_TO_CLOSE } },
          }),
        );
        cause.stack = "";
        throw new WorkflowFailedError("Workflow execution timed out", cause, decodeRetryState(attrs.value.retryState) as RetryState);
      }
      case "workflowExecutionContinuedAsNewEventAttributes": {
        const { newExecutionRunId } = attrs.value;
        if (!newExecutionRunId) throw new TypeError("the server sent a continued-as-new event without newExecutionRunId");
        if (next(newExecutionRunId)) continue;
        throw new WorkflowContinuedAsNewError("Workflow execution continued as new", newExecutionRunId);
      }
      default:
        throw new Error(`unexpected close event from the server: ${attrs?.case ?? "no attributes"}`);
    }
  }
}

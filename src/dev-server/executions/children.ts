import type { StartChildWorkflowExecutionCommandAttributes } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { StartChildWorkflowExecutionFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { ParentClosePolicy, RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import type { EventAttributes } from "../history/events.ts";
import { durationMs } from "../time.ts";
import { requestCancelRun } from "./external.ts";
import { addEvent, nextEventId } from "./history-writer.ts";
import { startRun, terminateRun } from "./lifecycle.ts";
import { type ChildState, isOpen, type RunState } from "./run-state.ts";

/**
 * Starts a child after the parent's workflow task completed (a real server
 * does it from a transfer task, so ChildWorkflowExecutionStarted always
 * follows the task's events).
 */
export function startChild(
  ctx: EngineContext,
  parent: RunState,
  attrs: StartChildWorkflowExecutionCommandAttributes,
  initiatedEventId: bigint,
  wftCompletedEventId: bigint,
): void {
  if (!isOpen(parent)) return;
  const namespaceName = attrs.namespace || parent.key.namespace;
  const namespace = ctx.store.getNamespace(namespaceName);
  const existing = ctx.store.getCurrentRun(namespaceName, attrs.workflowId);
  const workflowType = attrs.workflowType?.name ?? "";
  if (namespace === undefined || (existing !== undefined && isOpen(existing))) {
    addEvent(ctx, parent, {
      case: "startChildWorkflowExecutionFailedEventAttributes",
      value: {
        namespace: namespaceName,
        workflowId: attrs.workflowId,
        workflowType: { name: workflowType },
        cause:
          namespace === undefined
            ? StartChildWorkflowExecutionFailedCause.NAMESPACE_NOT_FOUND
            : StartChildWorkflowExecutionFailedCause.WORKFLOW_ALREADY_EXISTS,
        control: attrs.control,
        initiatedEventId,
        workflowTaskCompletedEventId: wftCompletedEventId,
      },
    });
    return;
  }
  const child = startRun(ctx, {
    namespace,
    workflowId: attrs.workflowId,
    workflowType,
    taskQueue: attrs.taskQueue?.name || parent.taskQueue,
    input: attrs.input,
    header: attrs.header,
    memo: attrs.memo,
    searchAttributes: attrs.searchAttributes,
    executionTimeoutMs: durationMs(attrs.workflowExecutionTimeout),
    runTimeoutMs: durationMs(attrs.workflowRunTimeout),
    taskTimeoutMs: durationMs(attrs.workflowTaskTimeout),
    retryPolicy: attrs.retryPolicy,
    identity: ctx.identity,
    requestId: "",
    parent: {
      namespace: parent.key.namespace,
      namespaceId: parent.namespaceId,
      workflowId: parent.key.workflowId,
      runId: parent.key.runId,
      initiatedEventId,
    },
    root: parent.root,
  });
  const state: ChildState = {
    initiatedEventId,
    namespace: namespaceName,
    workflowId: attrs.workflowId,
    workflowType,
    runId: child.key.runId,
    startedEventId: 0n,
    parentClosePolicy: attrs.parentClosePolicy,
  };
  parent.children.set(initiatedEventId, state);
  addEvent(ctx, parent, () => {
    state.startedEventId = nextEventId(parent);
    return {
      case: "childWorkflowExecutionStartedEventAttributes",
      value: {
        namespace: namespaceName,
        namespaceId: namespace.id,
        initiatedEventId,
        workflowExecution: { workflowId: attrs.workflowId, runId: child.key.runId },
        workflowType: { name: workflowType },
        header: attrs.header,
      },
    };
  });
}

/** A child run closed for good: its parent gets the matching ChildWorkflowExecution* event. */
export function notifyParent(ctx: EngineContext, child: RunState, closeEvent: HistoryEvent): void {
  const ref = child.parent;
  if (ref === undefined) return;
  const parent = ctx.store.getRun(ref.namespace, ref.workflowId, ref.runId);
  const state = parent?.children.get(ref.initiatedEventId);
  if (parent === undefined || state === undefined || !isOpen(parent)) return;
  parent.children.delete(ref.initiatedEventId);
  const common = {
    namespace: child.key.namespace,
    namespaceId: child.namespaceId,
    workflowExecution: { workflowId: child.key.workflowId, runId: child.key.runId },
    workflowType: { name: child.workflowType },
    initiatedEventId: ref.initiatedEventId,
  };
  const attributes = (): EventAttributes => {
    const startedEventId = state.startedEventId;
    const a = closeEvent.attributes;
    switch (a.case) {
      case "workflowExecutionCompletedEventAttributes":
        return { case: "childWorkflowExecutionCompletedEventAttributes", value: { ...common, startedEventId, result: a.value.result } };
      case "workflowExecutionFailedEventAttributes":
        return { case: "childWorkflowExecutionFailedEventAttributes", value: { ...common, startedEventId, failure: a.value.failure, retryState: a.value.retryState } };
      case "workflowExecutionCanceledEventAttributes":
        return { case: "childWorkflowExecutionCanceledEventAttributes", value: { ...common, startedEventId, details: a.value.details } };
      case "workflowExecutionTimedOutEventAttributes":
        return { case: "childWorkflowExecutionTimedOutEventAttributes", value: { ...common, startedEventId, retryState: RetryState.TIMEOUT } };
      default:
        return { case: "childWorkflowExecutionTerminatedEventAttributes", value: { ...common, startedEventId } };
    }
  };
  addEvent(ctx, parent, attributes);
}

/** The parent closed: TERMINATE (the default) or REQUEST_CANCEL its open children; ABANDON leaves them. */
export function applyParentClosePolicy(ctx: EngineContext, parent: RunState): void {
  for (const child of parent.children.values()) {
    if (child.parentClosePolicy === ParentClosePolicy.ABANDON) continue;
    const run = ctx.store.getCurrentRun(child.namespace, child.workflowId);
    if (run === undefined || !isOpen(run) || run.parent?.runId !== parent.key.runId) continue;
    if (child.parentClosePolicy === ParentClosePolicy.REQUEST_CANCEL) {
      requestCancelRun(ctx, run, ctx.identity, "by parent close policy", undefined);
    } else {
      terminateRun(ctx, run, "by parent close policy", undefined, ctx.identity);
    }
  }
  parent.children.clear();
}

import type {
  RequestCancelExternalWorkflowExecutionCommandAttributes,
  SignalExternalWorkflowExecutionCommandAttributes,
} from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { Header, Payloads } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import {
  CancelExternalWorkflowExecutionFailedCause,
  SignalExternalWorkflowExecutionFailedCause,
} from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { addEvent } from "./history-writer.ts";
import { isOpen, type RunState } from "./run-state.ts";

/** Delivers a signal to a run (SignalWorkflowExecution, signal-external commands). */
export function signalRun(
  ctx: EngineContext,
  run: RunState,
  signal: { name: string; input: Payloads | undefined; header: Header | undefined; identity: string },
  from?: { workflowId: string; runId: string },
): void {
  addEvent(ctx, run, {
    case: "workflowExecutionSignaledEventAttributes",
    value: {
      signalName: signal.name,
      input: signal.input,
      identity: signal.identity,
      header: signal.header,
      externalWorkflowExecution: from,
    },
  });
}

/** Records a cancellation request; a second request for the same run is a no-op, as on a real server. */
export function requestCancelRun(
  ctx: EngineContext,
  run: RunState,
  identity: string,
  cause: string,
  external: { initiatedEventId: bigint; workflowId: string; runId: string } | undefined,
): void {
  if (run.cancelRequested) return;
  run.cancelRequested = true;
  addEvent(ctx, run, {
    case: "workflowExecutionCancelRequestedEventAttributes",
    value: {
      cause,
      identity,
      externalInitiatedEventId: external?.initiatedEventId ?? 0n,
      externalWorkflowExecution: external ? { workflowId: external.workflowId, runId: external.runId } : undefined,
    },
  });
}

function findTarget(ctx: EngineContext, namespace: string, workflowId: string, runId: string): RunState | undefined {
  const run = runId ? ctx.store.getRun(namespace, workflowId, runId) : ctx.store.getCurrentRun(namespace, workflowId);
  return run !== undefined && isOpen(run) ? run : undefined;
}

export function signalExternal(
  ctx: EngineContext,
  source: RunState,
  attrs: SignalExternalWorkflowExecutionCommandAttributes,
  initiatedEventId: bigint,
): void {
  const namespace = attrs.namespace || source.key.namespace;
  const workflowId = attrs.execution?.workflowId ?? "";
  const target = findTarget(ctx, namespace, workflowId, attrs.execution?.runId ?? "");
  const childOnly = attrs.childWorkflowOnly && target?.parent?.runId !== source.key.runId;
  if (target === undefined || childOnly) {
    addEvent(ctx, source, {
      case: "signalExternalWorkflowExecutionFailedEventAttributes",
      value: {
        cause: SignalExternalWorkflowExecutionFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        namespace,
        workflowExecution: attrs.execution,
        initiatedEventId,
        control: attrs.control,
      },
    });
    return;
  }
  signalRun(
    ctx,
    target,
    { name: attrs.signalName, input: attrs.input, header: attrs.header, identity: ctx.identity },
    { workflowId: source.key.workflowId, runId: source.key.runId },
  );
  addEvent(ctx, source, {
    case: "externalWorkflowExecutionSignaledEventAttributes",
    value: {
      initiatedEventId,
      namespace,
      workflowExecution: { workflowId, runId: target.key.runId },
      control: attrs.control,
    },
  });
}

export function cancelExternal(
  ctx: EngineContext,
  source: RunState,
  attrs: RequestCancelExternalWorkflowExecutionCommandAttributes,
  initiatedEventId: bigint,
): void {
  const namespace = attrs.namespace || source.key.namespace;
  const target = findTarget(ctx, namespace, attrs.workflowId, attrs.runId);
  if (target === undefined) {
    addEvent(ctx, source, {
      case: "requestCancelExternalWorkflowExecutionFailedEventAttributes",
      value: {
        cause: CancelExternalWorkflowExecutionFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
        namespace,
        workflowExecution: { workflowId: attrs.workflowId, runId: attrs.runId },
        initiatedEventId,
        control: attrs.control,
      },
    });
    return;
  }
  requestCancelRun(ctx, target, ctx.identity, attrs.reason, {
    initiatedEventId,
    workflowId: source.key.workflowId,
    runId: source.key.runId,
  });
  addEvent(ctx, source, {
    case: "externalWorkflowExecutionCancelRequestedEventAttributes",
    value: { initiatedEventId, namespace, workflowExecution: { workflowId: attrs.workflowId, runId: target.key.runId } },
  });
}

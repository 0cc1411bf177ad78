import type { HandlerContext } from "@connectrpc/connect";
import type { WorkflowExecution } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { invalidArgument, notFound, requireField } from "../errors.ts";
import { isOpen, type RunState } from "../executions/run-state.ts";
import type { NamespaceRecord } from "../store.ts";

/** How long a long poll waits at most before answering empty, as a real frontend does. */
export const longPollMs = 60_000;

export function namespaceOf(ctx: EngineContext, name: string): NamespaceRecord {
  requireField(name, "namespace");
  const namespace = ctx.store.getNamespace(name);
  if (namespace === undefined) {
    throw notFound(`namespace "${name}" is not found: register it with RegisterNamespace or start the dev server with --namespace ${name}`);
  }
  return namespace;
}

/** The run named by `execution` (its current run when runId is empty). */
export function runOf(ctx: EngineContext, namespace: string, execution: WorkflowExecution | undefined, field = "execution"): RunState {
  namespaceOf(ctx, namespace);
  const workflowId = requireField(execution?.workflowId, `${field}.workflowId`);
  const runId = execution?.runId ?? "";
  const run = runId ? ctx.store.getRun(namespace, workflowId, runId) : ctx.store.getCurrentRun(namespace, workflowId);
  if (run === undefined) {
    throw notFound(`workflow execution not found for workflow id "${workflowId}"${runId ? ` and run id "${runId}"` : ""} in namespace "${namespace}"`);
  }
  return run;
}

export function openRunOf(ctx: EngineContext, namespace: string, execution: WorkflowExecution | undefined, field = "execution"): RunState {
  const run = runOf(ctx, namespace, execution, field);
  if (!isOpen(run)) throw notFound(`workflow execution already completed: workflow id "${run.key.workflowId}", run id "${run.key.runId}"`);
  return run;
}

/** A long poll's wait: at most `longPollMs`, and a second short of the caller's deadline. */
export function pollTimeout(handler: HandlerContext): number {
  const deadline = handler.timeoutMs();
  return deadline === undefined ? longPollMs : Math.max(0, Math.min(longPollMs, deadline - 1_000));
}

export function nonNegativeMs(ms: number, field: string): number {
  if (ms < 0) throw invalidArgument(field, "must not be negative");
  return ms;
}

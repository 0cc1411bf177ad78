import type { Header, Memo, Payloads, RetryPolicy, SearchAttributes, WorkflowType } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, WorkflowExecutionStatus } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { TaskQueue } from "../../../gen/temporal/api/taskqueue/v1/message_pb.ts";
import type { Duration } from "@bufbuild/protobuf/wkt";
import type { EngineContext } from "../engine-context.ts";
import { alreadyExists, invalidArgument, requireField } from "../errors.ts";
import { startRun, terminateRun } from "../executions/lifecycle.ts";
import { isOpen, type RunState } from "../executions/run-state.ts";
import { durationMs } from "../time.ts";
import { namespaceOf, nonNegativeMs } from "./lookup.ts";

/** The fields StartWorkflowExecution and SignalWithStartWorkflowExecution share. */
export interface StartFields {
  namespace: string;
  workflowId: string;
  workflowType?: WorkflowType | undefined;
  taskQueue?: TaskQueue | undefined;
  input?: Payloads | undefined;
  workflowExecutionTimeout?: Duration | undefined;
  workflowRunTimeout?: Duration | undefined;
  workflowTaskTimeout?: Duration | undefined;
  identity: string;
  requestId: string;
  workflowIdReusePolicy: WorkflowIdReusePolicy;
  workflowIdConflictPolicy: WorkflowIdConflictPolicy;
  retryPolicy?: RetryPolicy | undefined;
  cronSchedule: string;
  memo?: Memo | undefined;
  searchAttributes?: SearchAttributes | undefined;
  header?: Header | undefined;
  workflowStartDelay?: Duration | undefined;
}

export interface StartOutcome {
  run: RunState;
  started: boolean;
}

const maxIdLength = 1000;

/**
 * Starts a workflow with a real server's id rules: a request id seen before
 * returns the same run; a running workflow with the id is a conflict
 * (FAIL, USE_EXISTING or TERMINATE_EXISTING); a closed one is checked
 * against the id reuse policy.
 */
export function startWorkflow(ctx: EngineContext, req: StartFields, signal?: { name: string; input: Payloads | undefined; header: Header | undefined }): StartOutcome {
  const namespace = namespaceOf(ctx, req.namespace);
  const workflowId = requireField(req.workflowId, "workflowId");
  if (workflowId.length > maxIdLength) throw invalidArgument("workflowId", `is longer than ${maxIdLength} characters`);
  const workflowType = requireField(req.workflowType?.name, "workflowType.name");
  const taskQueue = requireField(req.taskQueue?.name, "taskQueue.name");
  const executionTimeoutMs = nonNegativeMs(durationMs(req.workflowExecutionTimeout), "workflowExecutionTimeout");
  const runTimeoutMs = nonNegativeMs(durationMs(req.workflowRunTimeout), "workflowRunTimeout");
  const taskTimeoutMs = nonNegativeMs(durationMs(req.workflowTaskTimeout), "workflowTaskTimeout");
  if (req.cronSchedule) throw invalidArgument("cronSchedule", "is not supported by the dev server: schedule the workflow from your code instead");
  if (durationMs(req.workflowStartDelay) > 0) throw invalidArgument("workflowStartDelay", "is not supported by the dev server");
  const existing = ctx.store.getCurrentRun(namespace.name, workflowId);
  if (existing !== undefined) {
    if (req.requestId && existing.requestIds.has(req.requestId)) return { run: existing, started: true };
    if (isOpen(existing)) {
      const policy = req.workflowIdConflictPolicy;
      if (policy === WorkflowIdConflictPolicy.USE_EXISTING) {
        if (req.requestId) existing.requestIds.add(req.requestId);
        return { run: existing, started: false };
      }
      const terminate =
        policy === WorkflowIdConflictPolicy.TERMINATE_EXISTING ||
        req.workflowIdReusePolicy === WorkflowIdReusePolicy.TERMINATE_IF_RUNNING;
      if (!terminate) throw alreadyStarted(existing);
      terminateRun(ctx, existing, "terminated by a new start with the same workflow id", undefined, req.identity);
    } else if (!reuseAllowed(req.workflowIdReusePolicy, existing.status)) {
      throw alreadyExists(
        `workflow execution already finished for workflow id "${workflowId}" (run ${existing.key.runId}) and the workflow id reuse policy forbids another: use ALLOW_DUPLICATE or a new id`,
      );
    }
  }
  const run = startRun(ctx, {
    namespace,
    workflowId,
    workflowType,
    taskQueue,
    input: req.input,
    header: req.header,
    memo: req.memo,
    searchAttributes: req.searchAttributes,
    executionTimeoutMs,
    runTimeoutMs,
    taskTimeoutMs,
    retryPolicy: req.retryPolicy,
    identity: req.identity,
    requestId: req.requestId,
    ...(signal ? { signal: { ...signal, identity: req.identity } } : {}),
  });
  return { run, started: true };
}

function reuseAllowed(policy: WorkflowIdReusePolicy, status: WorkflowExecutionStatus): boolean {
  if (policy === WorkflowIdReusePolicy.REJECT_DUPLICATE) return false;
  if (policy === WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY) {
    return status !== WorkflowExecutionStatus.COMPLETED && status !== WorkflowExecutionStatus.CONTINUED_AS_NEW;
  }
  return true;
}

function alreadyStarted(run: RunState) {
  return alreadyExists(
    `workflow execution already started: workflow id "${run.key.workflowId}" is running as run ${run.key.runId}; use another id, or the USE_EXISTING or TERMINATE_EXISTING conflict policy`,
  );
}

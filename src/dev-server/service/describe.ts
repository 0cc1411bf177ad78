import { create } from "@bufbuild/protobuf";
import { PendingActivityState, PendingWorkflowTaskState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { type WorkflowExecutionInfo, WorkflowExecutionInfoSchema } from "../../../gen/temporal/api/workflow/v1/message_pb.ts";
import {
  type DescribeWorkflowExecutionResponse,
  DescribeWorkflowExecutionResponseSchema,
} from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { RunState } from "../executions/run-state.ts";
import { duration, timestamp } from "../time.ts";

/** A run as ListWorkflowExecutions and DescribeWorkflowExecution show it. */
export function executionInfo(run: RunState): WorkflowExecutionInfo {
  return create(WorkflowExecutionInfoSchema, {
    execution: { workflowId: run.key.workflowId, runId: run.key.runId },
    type: { name: run.workflowType },
    startTime: timestamp(run.startTimeMs),
    closeTime: run.closeTimeMs === undefined ? undefined : timestamp(run.closeTimeMs),
    status: run.status,
    historyLength: BigInt(run.history.length),
    parentNamespaceId: run.parent?.namespaceId ?? "",
    parentExecution: run.parent ? { workflowId: run.parent.workflowId, runId: run.parent.runId } : undefined,
    executionTime: timestamp(run.startTimeMs),
    memo: run.memo ?? { fields: {} },
    searchAttributes: run.searchAttributes ?? { indexedFields: {} },
    taskQueue: run.taskQueue,
    stateTransitionCount: BigInt(run.history.length),
    historySizeBytes: BigInt(run.history.length * 256),
    rootExecution: { workflowId: run.root.workflowId, runId: run.root.runId },
    firstRunId: run.firstRunId,
    executionDuration: run.closeTimeMs === undefined ? undefined : duration(run.closeTimeMs - run.startTimeMs),
  });
}

export function describeRun(run: RunState): DescribeWorkflowExecutionResponse {
  const wft = run.wft;
  return create(DescribeWorkflowExecutionResponseSchema, {
    executionConfig: {
      taskQueue: { name: run.taskQueue, kind: TaskQueueKind.NORMAL },
      workflowExecutionTimeout: duration(run.config.executionTimeoutMs),
      workflowRunTimeout: duration(run.config.runTimeoutMs),
      defaultWorkflowTaskTimeout: duration(run.config.taskTimeoutMs),
    },
    workflowExecutionInfo: executionInfo(run),
    pendingActivities: [...run.activities.values()].map((a) => ({
      activityId: a.activityId,
      activityType: { name: a.activityType },
      state: a.cancelRequested
        ? PendingActivityState.CANCEL_REQUESTED
        : a.state === "started"
          ? PendingActivityState.STARTED
          : PendingActivityState.SCHEDULED,
      heartbeatDetails: a.heartbeatDetails,
      lastHeartbeatTime: a.state === "started" ? timestamp(a.lastHeartbeatMs) : undefined,
      lastStartedTime: a.startedTimeMs ? timestamp(a.startedTimeMs) : undefined,
      attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts,
      scheduledTime: timestamp(a.attemptScheduledTimeMs),
      expirationTime: a.scheduleToCloseMs > 0 ? timestamp(a.scheduledTimeMs + a.scheduleToCloseMs) : undefined,
      lastFailure: a.lastFailure,
      lastWorkerIdentity: a.startedIdentity,
    })),
    pendingChildren: [...run.children.values()].map((c) => ({
      workflowId: c.workflowId,
      runId: c.runId,
      workflowTypeName: c.workflowType,
      initiatedId: c.initiatedEventId,
      parentClosePolicy: c.parentClosePolicy,
    })),
    pendingWorkflowTask: wft
      ? {
          state: wft.state === "started" ? PendingWorkflowTaskState.STARTED : PendingWorkflowTaskState.SCHEDULED,
          scheduledTime: timestamp(wft.scheduledTimeMs),
          originalScheduledTime: timestamp(wft.scheduledTimeMs),
          startedTime: wft.state === "started" ? timestamp(wft.startedTimeMs) : undefined,
          attempt: wft.attempt,
        }
      : undefined,
  });
}

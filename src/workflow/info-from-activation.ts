// The run's WorkflowInfo: built from the initializeWorkflow job, refreshed
// from each activation, in the form @temporalio/workflow gives it.
import { timestampDate, timestampMs } from "@bufbuild/protobuf/wkt";
import type { RetryPolicy as RetryPolicyMessage } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { SuggestContinueAsNewReason } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type {
  InitializeWorkflow,
  WorkflowActivation,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { RetryPolicy } from "../client/retry-policy.ts";
import { decodeSearchAttributes, decodeTypedSearchAttributes } from "../client/search-attributes.ts";
import { originalGlobals } from "./global-overrides.ts";
import type { WorkflowInfo } from "./info.ts";

export const durationMs = (d: { seconds: bigint; nanos: number } | undefined) =>
  d === undefined ? undefined : Number(d.seconds) * 1000 + Math.floor(d.nanos / 1_000_000);

/** A RetryPolicy message in the form workflow code writes it. */
function decodeRetryPolicy(policy: RetryPolicyMessage | undefined): RetryPolicy | undefined {
  if (policy === undefined) return undefined;
  const decoded: RetryPolicy = {
    backoffCoefficient: policy.backoffCoefficient,
    nonRetryableErrorTypes: [...policy.nonRetryableErrorTypes],
    maximumAttempts: policy.maximumAttempts === 0 ? Number.POSITIVE_INFINITY : policy.maximumAttempts,
  };
  const initial = durationMs(policy.initialInterval);
  const maximum = durationMs(policy.maximumInterval);
  if (initial !== undefined) decoded.initialInterval = initial;
  if (maximum !== undefined) decoded.maximumInterval = maximum;
  return decoded;
}

/** Reasons the server gives for suggesting continue-as-new, by name. */
export function continueAsNewReasons(activation: WorkflowActivation): string[] {
  return activation.suggestContinueAsNewReasons.map((r) => SuggestContinueAsNewReason[r] ?? String(r));
}

/** The run's starting WorkflowInfo, from the initializeWorkflow job. */
export function infoFromInitJob(
  activation: WorkflowActivation,
  job: InitializeWorkflow,
  options: { namespace: string; taskQueue: string },
): WorkflowInfo {
  const ms = durationMs;
  const now = activation.timestamp ? timestampMs(activation.timestamp) : 0;
  return {
    workflowId: job.workflowId,
    runId: activation.runId,
    workflowType: job.workflowType,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    firstExecutionRunId: job.firstExecutionRunId,
    originalExecutionRunId: job.originalExecutionRunId || activation.runId,
    continuedFromExecutionRunId: job.continuedFromExecutionRunId || undefined,
    parent: job.parentWorkflowInfo
      ? { workflowId: job.parentWorkflowInfo.workflowId, runId: job.parentWorkflowInfo.runId, namespace: job.parentWorkflowInfo.namespace }
      : undefined,
    root: job.rootWorkflow ? { workflowId: job.rootWorkflow.workflowId, runId: job.rootWorkflow.runId } : undefined,
    searchAttributes: decodeSearchAttributes(job.searchAttributes?.indexedFields),
    typedSearchAttributes: decodeTypedSearchAttributes(job.searchAttributes?.indexedFields),
    memo: {},
    lastResult: undefined,
    lastFailure: undefined,
    startTime: job.startTime ? timestampDate(job.startTime) : new originalGlobals.Date(now),
    runStartTime: new originalGlobals.Date(now),
    executionTimeoutMs: ms(job.workflowExecutionTimeout),
    executionExpirationTime: job.workflowExecutionExpirationTime ? timestampDate(job.workflowExecutionExpirationTime) : undefined,
    runTimeoutMs: ms(job.workflowRunTimeout),
    taskTimeoutMs: ms(job.workflowTaskTimeout) ?? 10_000,
    retryPolicy: decodeRetryPolicy(job.retryPolicy),
    attempt: job.attempt,
    cronSchedule: job.cronSchedule || undefined,
    cronScheduleToScheduleInterval: ms(job.cronScheduleToScheduleInterval) || undefined,
    historyLength: activation.historyLength,
    historySize: Number(activation.historySizeBytes),
    continueAsNewSuggested: activation.continueAsNewSuggested,
    suggestedContinueAsNewReasons: continueAsNewReasons(activation),
    targetWorkerDeploymentVersionChanged: activation.targetWorkerDeploymentVersionChanged,
    currentBuildId: activation.deploymentVersionForCurrentTask?.buildId ?? "",
    unsafe: { isReplaying: activation.isReplaying, isReplayingHistoryEvents: activation.isReplaying, now: () => originalGlobals.Date.now() },
  };
}


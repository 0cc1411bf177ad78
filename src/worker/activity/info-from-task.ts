import { type Duration, durationMs, type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import type { PollActivityTaskQueueResponse } from "../../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { Info, Priority, RetryPolicy } from "../../activity/info.ts";

/**
 * The activity's Info from its poll response, field for field as the official
 * worker builds it (`heartbeatDetails` decoded by the caller).
 */
export function infoFromTask(
  task: PollActivityTaskQueueResponse,
  heartbeatDetails: unknown,
  where: { namespace: string; taskQueue: string },
): Info {
  const inWorkflow = (task.workflowExecution?.workflowId ?? "") !== "";
  const heartbeatTimeoutMs = optionalMs(task.heartbeatTimeout);
  const info: Info = {
    taskToken: task.taskToken,
    base64TaskToken: base64(task.taskToken),
    activityId: task.activityId,
    activityType: task.activityType?.name ?? "",
    activityNamespace: where.namespace,
    attempt: task.attempt,
    isLocal: false,
    ...(inWorkflow
      ? {
          workflowExecution: { workflowId: task.workflowExecution?.workflowId ?? "", runId: task.workflowExecution?.runId ?? "" },
          workflowNamespace: task.workflowNamespace,
          workflowType: task.workflowType?.name ?? "",
        }
      : {}),
    scheduledTimestampMs: tsMs(task.scheduledTime),
    scheduleToCloseTimeoutMs: optionalMs(task.scheduleToCloseTimeout) ?? 0,
    startToCloseTimeoutMs: optionalMs(task.startToCloseTimeout) ?? 0,
    currentAttemptScheduledTimestampMs: tsMs(task.currentAttemptScheduledTime),
    ...(heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs } : {}),
    heartbeatDetails,
    taskQueue: where.taskQueue,
    priority: priority(task),
    ...(task.retryPolicy ? { retryPolicy: retryPolicy(task.retryPolicy) } : {}),
    namespace: task.workflowNamespace || where.namespace,
    ...(!inWorkflow && task.activityRunId ? { activityRunId: task.activityRunId } : {}),
    inWorkflow,
  };
  return info;
}

function optionalMs(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : durationMs(d);
}

function tsMs(t: Timestamp | undefined): number {
  return t === undefined ? 0 : timestampMs(t);
}

function priority(task: PollActivityTaskQueueResponse): Priority {
  const p = task.priority;
  const out: Priority = {};
  // Zero values mean "not set" on the wire.
  if (p?.priorityKey) out.priorityKey = p.priorityKey;
  if (p?.fairnessKey) out.fairnessKey = p.fairnessKey;
  if (p?.fairnessWeight) out.fairnessWeight = p.fairnessWeight;
  return out;
}

function retryPolicy(rp: NonNullable<PollActivityTaskQueueResponse["retryPolicy"]>): RetryPolicy {
  const out: RetryPolicy = {
    backoffCoefficient: rp.backoffCoefficient,
    maximumAttempts: rp.maximumAttempts,
    nonRetryableErrorTypes: [...rp.nonRetryableErrorTypes],
  };
  const initial = optionalMs(rp.initialInterval);
  const maximum = optionalMs(rp.maximumInterval);
  if (initial !== undefined) out.initialInterval = initial;
  if (maximum !== undefined) out.maximumInterval = maximum;
  return out;
}

function base64(bytes: Uint8Array): string {
  // Uint8Array.prototype.toBase64 (ES2026; Bun and Deno have it, Node 20 not) is the fast path.
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (native !== undefined) return native.call(bytes);
  // One call for the usual token (a few hundred bytes); chunks keep a huge one under the argument limit.
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

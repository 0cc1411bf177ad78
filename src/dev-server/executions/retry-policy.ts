import { create } from "@bufbuild/protobuf";
import { type RetryPolicy, RetryPolicySchema } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { RetryState, TimeoutType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import { duration, durationMs } from "../time.ts";

/** A retry policy with the server defaults filled in (1 s initial, x2, 100x cap, unlimited attempts). */
export function withDefaults(policy: RetryPolicy | undefined): RetryPolicy {
  const initialMs = durationMs(policy?.initialInterval) || 1000;
  return create(RetryPolicySchema, {
    initialInterval: duration(initialMs),
    backoffCoefficient: policy?.backoffCoefficient || 2,
    maximumInterval: duration(durationMs(policy?.maximumInterval) || initialMs * 100),
    maximumAttempts: policy?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: policy?.nonRetryableErrorTypes ?? [],
  });
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; state: RetryState };

/**
 * Whether attempt `attempt` that failed with `failure` is retried, and after
 * how long: the policy's backoff unless the failure asks for its own
 * `nextRetryDelay`; never past `deadlineMs` (schedule-to-close or execution expiry).
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  failure: Failure | undefined,
  nowMs: number,
  deadlineMs: number,
): RetryDecision {
  const info = failure?.failureInfo;
  if (info?.case === "applicationFailureInfo") {
    if (info.value.nonRetryable || policy.nonRetryableErrorTypes.includes(info.value.type)) {
      return { retry: false, state: RetryState.NON_RETRYABLE_FAILURE };
    }
  }
  if (info?.case === "timeoutFailureInfo") {
    const type = info.value.timeoutType;
    if (type !== TimeoutType.START_TO_CLOSE && type !== TimeoutType.HEARTBEAT) {
      return { retry: false, state: RetryState.TIMEOUT };
    }
  }
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts) {
    return { retry: false, state: RetryState.MAXIMUM_ATTEMPTS_REACHED };
  }
  const initialMs = durationMs(policy.initialInterval);
  const maxMs = durationMs(policy.maximumInterval);
  const requested = info?.case === "applicationFailureInfo" ? durationMs(info.value.nextRetryDelay) : 0;
  const backoff = initialMs * policy.backoffCoefficient ** (attempt - 1);
  const delayMs = requested > 0 ? requested : Math.min(backoff, maxMs > 0 ? maxMs : backoff);
  if (deadlineMs > 0 && nowMs + delayMs > deadlineMs) return { retry: false, state: RetryState.TIMEOUT };
  return { retry: true, delayMs };
}

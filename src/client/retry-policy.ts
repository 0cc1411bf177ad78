import { create } from "@bufbuild/protobuf";
import { type RetryPolicy as RetryPolicyMessage, RetryPolicySchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type Duration, msToDurationMessage, msToNumber } from "../common/duration.ts";

/** How the server retries a failed workflow run, as @temporalio/common's RetryPolicy. */
export interface RetryPolicy {
  /** Delay before the first retry. Default 1 second. */
  initialInterval?: Duration;
  /** Growth of the delay between retries. Default 2. */
  backoffCoefficient?: number;
  /** Upper bound of the delay. Default 100 × initialInterval. */
  maximumInterval?: Duration;
  /** Attempts in all; Infinity (the default) for no limit. */
  maximumAttempts?: number;
  /** Error types (ApplicationFailure `type`) that are never retried. */
  nonRetryableErrorTypes?: string[];
}

/** Validates a RetryPolicy and builds its message; throws a TypeError naming the bad field. */
export function compileRetryPolicy(policy: RetryPolicy): RetryPolicyMessage {
  const { backoffCoefficient, maximumAttempts } = policy;
  if (backoffCoefficient !== undefined && !(backoffCoefficient > 0)) {
    throw new TypeError(`retry.backoffCoefficient must be greater than 0, got ${backoffCoefficient}`);
  }
  if (maximumAttempts !== undefined && maximumAttempts !== Number.POSITIVE_INFINITY) {
    if (!Number.isInteger(maximumAttempts) || maximumAttempts <= 0) {
      throw new TypeError(`retry.maximumAttempts must be a positive integer (or Infinity for no limit), got ${maximumAttempts}`);
    }
  }
  const initial = msToNumber(policy.initialInterval ?? 1_000, "retry.initialInterval");
  const maximum = policy.maximumInterval === undefined ? undefined : msToNumber(policy.maximumInterval, "retry.maximumInterval");
  if (initial === 0) throw new TypeError("retry.initialInterval cannot be 0");
  if (maximum === 0) throw new TypeError("retry.maximumInterval cannot be 0");
  if (maximum !== undefined && maximum < initial) {
    throw new TypeError(`retry.maximumInterval (${maximum} ms) cannot be less than retry.initialInterval (${initial} ms)`);
  }
  return create(RetryPolicySchema, {
    initialInterval: msToDurationMessage(initial),
    ...(maximum !== undefined ? { maximumInterval: msToDurationMessage(maximum) } : {}),
    ...(backoffCoefficient !== undefined ? { backoffCoefficient } : {}),
    // 0 on the wire means "unlimited", which is what Infinity asks for.
    ...(maximumAttempts !== undefined && maximumAttempts !== Number.POSITIVE_INFINITY ? { maximumAttempts } : {}),
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes ?? [],
  });
}

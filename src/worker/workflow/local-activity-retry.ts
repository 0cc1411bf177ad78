import { durationMs } from "@bufbuild/protobuf/wkt";
import type { RetryPolicy } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";

/**
 * When to try a failed local activity attempt again, by the retry policy of
 * its command with the server's defaults (1 s initial interval, coefficient
 * 2, maximum interval 100 × initial, unlimited attempts), as sdk-core
 * decides for local activities. Returns the delay in ms, or undefined when
 * the failure is final. An ApplicationFailure's `nextRetryDelay` replaces
 * the computed delay; `nonRetryable` or a type listed in
 * `nonRetryableErrorTypes` ends the retries.
 */
export function localRetryDelayMs(policy: RetryPolicy | undefined, attempt: number, failure: Failure | undefined): number | undefined {
  const app = failure?.failureInfo.case === "applicationFailureInfo" ? failure.failureInfo.value : undefined;
  if (app?.nonRetryable) return undefined;
  if (app !== undefined && policy?.nonRetryableErrorTypes.includes(app.type)) return undefined;
  const maximumAttempts = policy?.maximumAttempts ?? 0;
  if (maximumAttempts > 0 && attempt >= maximumAttempts) return undefined;
  if (app?.nextRetryDelay !== undefined) return durationMs(app.nextRetryDelay);
  const initialMs = policy?.initialInterval !== undefined ? durationMs(policy.initialInterval) : 1_000;
  const coefficient = policy?.backoffCoefficient || 2;
  const maximumMs = policy?.maximumInterval !== undefined && durationMs(policy.maximumInterval) > 0 ? durationMs(policy.maximumInterval) : initialMs * 100;
  return Math.min(initialMs * coefficient ** Math.max(0, attempt - 1), maximumMs);
}

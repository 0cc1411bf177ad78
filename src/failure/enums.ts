// The string forms of the failure enums, as @temporalio/common 1.24 exposes
// them, and their mapping to the wire enums of temporal.api.
import { ApplicationErrorCategory } from "../../gen/temporal/api/enums/v1/common_pb.ts";
import { RetryState as ProtoRetryState, TimeoutType as ProtoTimeoutType } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";

export const TimeoutType = {
  START_TO_CLOSE: "START_TO_CLOSE",
  SCHEDULE_TO_START: "SCHEDULE_TO_START",
  SCHEDULE_TO_CLOSE: "SCHEDULE_TO_CLOSE",
  HEARTBEAT: "HEARTBEAT",
} as const;
export type TimeoutType = (typeof TimeoutType)[keyof typeof TimeoutType];

export const RetryState = {
  IN_PROGRESS: "IN_PROGRESS",
  NON_RETRYABLE_FAILURE: "NON_RETRYABLE_FAILURE",
  TIMEOUT: "TIMEOUT",
  MAXIMUM_ATTEMPTS_REACHED: "MAXIMUM_ATTEMPTS_REACHED",
  RETRY_POLICY_NOT_SET: "RETRY_POLICY_NOT_SET",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  CANCEL_REQUESTED: "CANCEL_REQUESTED",
} as const;
export type RetryState = (typeof RetryState)[keyof typeof RetryState];

/** Severity of an application failure; BENIGN ones are logged at debug level and not counted. */
export const ApplicationFailureCategory = {
  BENIGN: "BENIGN",
} as const;
export type ApplicationFailureCategory = (typeof ApplicationFailureCategory)[keyof typeof ApplicationFailureCategory];

/**
 * The official SDK also accepts the prefixed names ("RETRY_STATE_TIMEOUT") and
 * the proto numbers; so do we, so values copied from its code keep working.
 */
function enumCodec<S extends string, P extends number>(
  prefix: string,
  pairs: ReadonlyArray<readonly [S, P]>,
): [encode: (value: S | string | number | null | undefined) => P | undefined, decode: (value: number | null | undefined) => S | undefined] {
  const byName = new Map<string, P>();
  const byNumber = new Map<number, S>();
  for (const [name, num] of pairs) {
    byName.set(name, num);
    byName.set(prefix + name, num);
    byNumber.set(num, name);
  }
  return [
    (value) => {
      if (value === null || value === undefined) return undefined;
      if (typeof value === "number") return byNumber.has(value) ? (value as P) : undefined;
      return byName.get(value);
    },
    (value) => (value === null || value === undefined ? undefined : byNumber.get(value)),
  ];
}

export const [encodeTimeoutType, decodeTimeoutType] = enumCodec<TimeoutType, ProtoTimeoutType>("TIMEOUT_TYPE_", [
  ["START_TO_CLOSE", ProtoTimeoutType.START_TO_CLOSE],
  ["SCHEDULE_TO_START", ProtoTimeoutType.SCHEDULE_TO_START],
  ["SCHEDULE_TO_CLOSE", ProtoTimeoutType.SCHEDULE_TO_CLOSE],
  ["HEARTBEAT", ProtoTimeoutType.HEARTBEAT],
]);

export const [encodeRetryState, decodeRetryState] = enumCodec<RetryState, ProtoRetryState>("RETRY_STATE_", [
  ["IN_PROGRESS", ProtoRetryState.IN_PROGRESS],
  ["NON_RETRYABLE_FAILURE", ProtoRetryState.NON_RETRYABLE_FAILURE],
  ["TIMEOUT", ProtoRetryState.TIMEOUT],
  ["MAXIMUM_ATTEMPTS_REACHED", ProtoRetryState.MAXIMUM_ATTEMPTS_REACHED],
  ["RETRY_POLICY_NOT_SET", ProtoRetryState.RETRY_POLICY_NOT_SET],
  ["INTERNAL_SERVER_ERROR", ProtoRetryState.INTERNAL_SERVER_ERROR],
  ["CANCEL_REQUESTED", ProtoRetryState.CANCEL_REQUESTED],
]);

export const [encodeApplicationFailureCategory, decodeApplicationFailureCategory] = enumCodec<
  ApplicationFailureCategory,
  ApplicationErrorCategory
>("APPLICATION_ERROR_CATEGORY_", [["BENIGN", ApplicationErrorCategory.BENIGN]]);

export {
  ActivityFailure,
  ApplicationFailure,
  type ApplicationFailureOptions,
  CancelledFailure,
  ChildWorkflowFailure,
  ensureApplicationFailure,
  ensureTemporalFailure,
  isError,
  NexusOperationFailure,
  rootCause,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  type WorkflowExecution,
} from "./failures.ts";
export type { Duration } from "../common/duration.ts";
export { ApplicationFailureCategory, RetryState, TimeoutType } from "./enums.ts";

// ---- internal: wire mappings used by the failure converter ----
export {
  decodeApplicationFailureCategory,
  decodeRetryState,
  decodeTimeoutType,
  encodeApplicationFailureCategory,
  encodeRetryState,
  encodeTimeoutType,
} from "./enums.ts";
export { FAILURE_SOURCE } from "./source.ts";

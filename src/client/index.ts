// temporal-edge-worker/client: the names of @temporalio/client for the same
// operations. Users import it through src/adapters/<runtime>/client.ts, which
// binds the runtime so `Connection.connect(options)` needs no platform.
export { Client, type ClientOptions } from "./client.ts";
export { Connection, type ConnectionOptions } from "./connection.ts";
export { WorkflowClient, type GetWorkflowHandleOptions, type ListOptions, type WorkflowSignalWithStartOptions } from "./workflow-client.ts";
export type {
  WorkflowHandle,
  WorkflowHandleWithFirstExecutionRunId,
  WorkflowHandleWithSignaledRunId,
} from "./workflow-handle.ts";
export type { WorkflowUpdateHandle, WorkflowUpdateOptions } from "./workflow-update.ts";
export type { WorkflowResultOptions } from "./workflow-result.ts";
export type { Workflow, WorkflowOptions, WorkflowResultType, WorkflowStartOptions, WithWorkflowArgs } from "./workflow-options.ts";
export type { RetryPolicy } from "./retry-policy.ts";
export { AsyncCompletionClient, type FullActivityId } from "./async-completion-client.ts";
export type {
  CountWorkflowExecution,
  RawWorkflowExecutionInfo,
  WorkflowExecutionDescription,
  WorkflowExecutionInfo,
} from "./execution-info.ts";
export {
  QueryRejectCondition,
  type WorkflowExecutionStatusName,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowUpdateStage,
} from "./enums.ts";
export {
  defineSearchAttributeKey,
  type SearchAttributeKey,
  type SearchAttributePair,
  type SearchAttributes,
  SearchAttributeType,
  type SearchAttributeValue,
  TypedSearchAttributes,
} from "./search-attributes.ts";
export {
  ActivityCancelledError,
  ActivityCompletionError,
  ActivityNotFoundError,
  ActivityPausedError,
  ActivityResetError,
  NamespaceNotFoundError,
  QueryNotRegisteredError,
  QueryRejectedError,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "./errors.ts";
export { Code, ServiceError } from "../common/errors.ts";
export type { Duration } from "../common/duration.ts";
export type { DataConverter, PayloadCodec, PayloadConverter, FailureConverter } from "../converter/types.ts";

// ---- for adapters ----
export { setDefaultClientPlatform, type ClientPlatform } from "./connection.ts";

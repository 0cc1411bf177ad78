// temporal-edge-worker/workflow: the API workflow code imports, with the names
// and meaning of @temporalio/workflow (moving a workflow means changing the
// import path). Workflow code runs inside the workflow runtime, which gives
// it deterministic `Date`, `Math.random` and `setTimeout`.
export { proxyActivities, scheduleActivity, ActivityCancellationType, type ActivityOptions, type ActivityInterfaceFor } from "./activities.ts";
export { proxyLocalActivities, scheduleLocalActivity, type LocalActivityOptions } from "./local-activities.ts";
export { sleep, condition } from "./timers.ts";
export { startChild, executeChild, type ChildWorkflowHandle, type ChildWorkflowStartOptions } from "./child-workflows.ts";
export {
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  type ChildWorkflowOptions,
  type ChildWorkflowOptionsWithDefaults,
} from "./child-workflow-options.ts";
export { getExternalWorkflowHandle, type ExternalWorkflowHandle, type WorkflowSignalOptions } from "./external-workflows.ts";
export { upsertSearchAttributes, upsertMemo, type SearchAttributeUpdatePair } from "./upsert.ts";
export { CancellationScope, RootCancellationScope, type CancellationScopeOptions } from "./cancellation-scope.ts";
export {
  defineSignal,
  defineQuery,
  defineUpdate,
  setHandler,
  setDefaultSignalHandler,
  setDefaultQueryHandler,
  setDefaultUpdateHandler,
  allHandlersFinished,
} from "./handlers.ts";
export {
  HandlerUnfinishedPolicy,
  type SignalDefinition,
  type QueryDefinition,
  type UpdateDefinition,
  type Handler,
  type DefaultSignalHandler,
  type DefaultQueryHandler,
  type DefaultUpdateHandler,
} from "./handler-types.ts";
export {
  workflowInfo,
  inWorkflowContext,
  uuid4,
  currentUpdateInfo,
  getCurrentDetails,
  setCurrentDetails,
  stackTraceQuery,
  enhancedStackTraceQuery,
  workflowMetadataQuery,
} from "./info-api.ts";
export type { WorkflowInfo, ParentWorkflowInfo, RootWorkflowInfo, UpdateInfo } from "./info.ts";
export type { EnhancedStackTrace, StackTraceFileLocation } from "./built-in-queries.ts";
export { patched, deprecatePatch } from "./patches.ts";
export { log, type WorkflowLogger } from "./log.ts";
export {
  isCancellation,
  WorkflowError,
  DeterminismViolationError,
  IllegalStateError,
  WorkflowExecutionAlreadyStartedError,
} from "./errors.ts";
export { ContinueAsNew, continueAsNew, makeContinueAsNewFunc, type ContinueAsNewOptions } from "./continue-as-new.ts";
export type {
  WorkflowInterceptors,
  WorkflowInterceptorsFactory,
  WorkflowInboundCallsInterceptor,
  WorkflowOutboundCallsInterceptor,
  WorkflowInternalsInterceptor,
  Next,
  Headers,
  WorkflowExecuteInput,
  SignalInput,
  QueryInput,
  UpdateInput,
  TimerInput,
  TimerOptions,
  ActivityInput,
  LocalActivityInput,
  StartChildWorkflowExecutionInput,
  SignalWorkflowInput,
  ContinueAsNewInput,
  GetLogAttributesInput,
  ActivateInput,
  ConcludeActivationInput,
  ConcludeActivationOutput,
  DisposeInput,
} from "./interceptors.ts";
export {
  ActivityFailure,
  ApplicationFailure,
  type ApplicationFailureOptions,
  CancelledFailure,
  ChildWorkflowFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  rootCause,
  ApplicationFailureCategory,
  RetryState,
  TimeoutType,
} from "../failure/index.ts";
export type { Duration } from "../common/duration.ts";
export { Trigger } from "./trigger.ts";
export { proxySinks, type Sink, type SinkCall, type SinkFunction, type Sinks, type InjectedSinks, type InjectedSinkFunction } from "./sinks.ts";
export type { RetryPolicy } from "../client/retry-policy.ts";
export { WorkflowIdReusePolicy } from "../client/enums.ts";
export {
  defineSearchAttributeKey,
  SearchAttributeType,
  TypedSearchAttributes,
  type SearchAttributeKey,
  type SearchAttributePair,
  type SearchAttributes,
  type SearchAttributeValue,
} from "../client/search-attributes.ts";

// ---- for the worker and tests: the runtime that runs workflow code ----
export { createInProcessWorkflowRuntime, type InProcessRuntimeOptions, type WorkflowRuntime, type WorkflowModule } from "./runtime.ts";
export { createThreadedWorkflowRuntime, type ThreadedRuntimeOptions, type ThreadedRuntimeStats } from "./thread-runtime.ts";
export { DeadlockError, WorkflowThreadLostError } from "./deadlock.ts";

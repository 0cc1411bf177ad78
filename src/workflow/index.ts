// temporal-edge-worker/workflow: the API workflow code imports, with the names
// and meaning of @temporalio/workflow (moving a workflow means changing the
// import path). Workflow code runs inside the workflow runtime, which gives
// it deterministic `Date`, `Math.random` and `setTimeout`.
export { proxyActivities, scheduleActivity, ActivityCancellationType, type ActivityOptions, type ActivityInterfaceFor } from "./activities.ts";
export { sleep, condition } from "./timers.ts";
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
export { workflowInfo, inWorkflowContext, uuid4 } from "./info-api.ts";
export type { WorkflowInfo, ParentWorkflowInfo, RootWorkflowInfo } from "./info.ts";
export { patched, deprecatePatch } from "./patches.ts";
export { log, type WorkflowLogger } from "./log.ts";
export { isCancellation, WorkflowError, DeterminismViolationError, IllegalStateError } from "./errors.ts";
export { ContinueAsNew } from "./continue-as-new.ts";
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

// ---- for the worker and tests: the runtime that runs workflow code ----
export { createInProcessWorkflowRuntime, type InProcessRuntimeOptions, type WorkflowRuntime, type WorkflowModule } from "./runtime.ts";
export { createThreadedWorkflowRuntime, type ThreadedRuntimeOptions, type ThreadedRuntimeStats } from "./thread-runtime.ts";
export { DeadlockError } from "./deadlock.ts";

// "temporal-edge-worker/activity": what activity code imports, with the names
// and meaning of @temporalio/activity, so moving an activity over means
// changing the import path. (Context.client / getClient() are not offered.)
export {
  activityInfo,
  cancellationDetails,
  cancellationSignal,
  cancelled,
  Context,
  heartbeat,
  log,
  metricMeter,
  sleep,
} from "./context.ts";
export { ActivityCancellationDetails, type Info, type Priority, type RetryPolicy } from "./info.ts";
export { CompleteAsyncError } from "./errors.ts";
export { ApplicationFailure, CancelledFailure } from "../failure/index.ts";
export type { Duration } from "../common/duration.ts";

// ---- for the worker ----
export type { ActivityCancelReason, ActivityCancellationDetailsOptions } from "./info.ts";
export type { ContextInit } from "./context.ts";

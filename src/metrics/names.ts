/**
 * The metrics sdk-core emits, by their Prometheus names, so dashboards and
 * alerts written for the official worker read ours unchanged. Workers record
 * through these constants rather than string literals; the registry uses the
 * catalogue for HELP text and for each histogram's default buckets.
 */
export type MetricKind = "counter" | "gauge" | "histogram";

export interface MetricInfo {
  kind: MetricKind;
  help: string;
  /** Histogram bucket upper bounds in milliseconds (sdk-core's defaults for this metric). */
  bucketsMs?: readonly number[];
}

/** Bucket sets sdk-core uses, in milliseconds. */
export const bucketsMs = {
  workflowEndToEnd: [
    100, 500, 1_000, 1_500, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
    30_600_000, 86_400_000,
  ],
  workflowTask: [1, 10, 20, 50, 100, 200, 500, 1_000],
  activityExecution: [50, 100, 500, 1_000, 5_000, 10_000, 60_000],
  scheduleToStart: [100, 500, 1_000, 5_000, 10_000, 100_000, 1_000_000],
  default: [50, 100, 500, 1_000, 2_500, 10_000],
} as const;

export const metricNames = {
  workflowCompleted: "temporal_workflow_completed",
  workflowFailed: "temporal_workflow_failed",
  workflowCanceled: "temporal_workflow_canceled",
  workflowContinueAsNew: "temporal_workflow_continue_as_new",
  workflowEndToEndLatency: "temporal_workflow_endtoend_latency",
  workflowTaskQueuePollSucceed: "temporal_workflow_task_queue_poll_succeed",
  workflowTaskQueuePollEmpty: "temporal_workflow_task_queue_poll_empty",
  workflowTaskExecutionFailed: "temporal_workflow_task_execution_failed",
  workflowTaskScheduleToStartLatency: "temporal_workflow_task_schedule_to_start_latency",
  workflowTaskExecutionLatency: "temporal_workflow_task_execution_latency",
  workflowTaskReplayLatency: "temporal_workflow_task_replay_latency",
  activityPollNoTask: "temporal_activity_poll_no_task",
  activityTaskReceived: "temporal_activity_task_received",
  activityExecutionFailed: "temporal_activity_execution_failed",
  activityScheduleToStartLatency: "temporal_activity_schedule_to_start_latency",
  activityExecutionLatency: "temporal_activity_execution_latency",
  activitySucceedEndToEndLatency: "temporal_activity_succeed_endtoend_latency",
  localActivityTotal: "temporal_local_activity_total",
  localActivityExecutionFailed: "temporal_local_activity_execution_failed",
  localActivityExecutionCancelled: "temporal_local_activity_execution_cancelled",
  localActivityExecutionLatency: "temporal_local_activity_execution_latency",
  localActivitySucceedEndToEndLatency: "temporal_local_activity_succeed_endtoend_latency",
  workerStart: "temporal_worker_start",
  numPollers: "temporal_num_pollers",
  workerTaskSlotsAvailable: "temporal_worker_task_slots_available",
  workerTaskSlotsUsed: "temporal_worker_task_slots_used",
  stickyCacheHit: "temporal_sticky_cache_hit",
  stickyCacheMiss: "temporal_sticky_cache_miss",
  stickyCacheSize: "temporal_sticky_cache_size",
  stickyCacheForcedEviction: "temporal_sticky_cache_total_forced_eviction",
  request: "temporal_request",
  requestFailure: "temporal_request_failure",
  requestLatency: "temporal_request_latency",
  longRequest: "temporal_long_request",
  longRequestFailure: "temporal_long_request_failure",
  longRequestLatency: "temporal_long_request_latency",
} as const;

/** Label names sdk-core attaches, and the values it uses for worker and poller types. */
export const metricLabels = {
  namespace: "namespace",
  taskQueue: "task_queue",
  workerType: "worker_type",
  pollerType: "poller_type",
  workflowType: "workflow_type",
  activityType: "activity_type",
  operation: "operation",
  statusCode: "status_code",
  failureReason: "failure_reason",
  serviceName: "service_name",
} as const;

export const workerTypes = {
  workflow: "WorkflowWorker",
  activity: "ActivityWorker",
  localActivity: "LocalActivityWorker",
} as const;

export const pollerTypes = {
  workflowTask: "workflow_task",
  stickyWorkflowTask: "sticky_workflow_task",
  activityTask: "activity_task",
} as const;

/** sdk-core puts this `service_name` on every series unless told not to. */
export const defaultServiceName = "temporal-core-sdk";

const n = metricNames;
const counter = (help: string): MetricInfo => ({ kind: "counter", help });
const gauge = (help: string): MetricInfo => ({ kind: "gauge", help });
const histogram = (help: string, buckets: readonly number[]): MetricInfo => ({ kind: "histogram", help, bucketsMs: buckets });

export const metricCatalogue: Readonly<Record<string, MetricInfo>> = {
  [n.workflowCompleted]: counter("Workflows that completed successfully"),
  [n.workflowFailed]: counter("Workflows that ended failed"),
  [n.workflowCanceled]: counter("Workflows that ended canceled"),
  [n.workflowContinueAsNew]: counter("Workflows that continued as new"),
  [n.workflowEndToEndLatency]: histogram("Workflow run time from start to close", bucketsMs.workflowEndToEnd),
  [n.workflowTaskQueuePollSucceed]: counter("Workflow task polls that returned a task"),
  [n.workflowTaskQueuePollEmpty]: counter("Workflow task polls that timed out without a task"),
  [n.workflowTaskExecutionFailed]: counter("Workflow tasks that failed"),
  [n.workflowTaskScheduleToStartLatency]: histogram("Time a workflow task waited in its queue", bucketsMs.scheduleToStart),
  [n.workflowTaskExecutionLatency]: histogram("Time to process a workflow task (not replay)", bucketsMs.workflowTask),
  [n.workflowTaskReplayLatency]: histogram("Time to replay history for a workflow task", bucketsMs.workflowTask),
  [n.activityPollNoTask]: counter("Activity task polls that timed out without a task"),
  [n.activityTaskReceived]: counter("Activity tasks received by polls"),
  [n.activityExecutionFailed]: counter("Activity executions that failed"),
  [n.activityScheduleToStartLatency]: histogram("Time an activity task waited in its queue", bucketsMs.scheduleToStart),
  [n.activityExecutionLatency]: histogram("Time an activity attempt ran", bucketsMs.activityExecution),
  [n.activitySucceedEndToEndLatency]: histogram("Schedule-to-completion time of successful activities", bucketsMs.default),
  [n.localActivityTotal]: counter("Local activities executed"),
  [n.localActivityExecutionFailed]: counter("Local activity executions that failed"),
  [n.localActivityExecutionCancelled]: counter("Local activity executions that were cancelled"),
  [n.localActivityExecutionLatency]: histogram("Time a local activity attempt ran", bucketsMs.default),
  [n.localActivitySucceedEndToEndLatency]: histogram("Total time of successful local activities", bucketsMs.default),
  [n.workerStart]: counter("Worker entities started"),
  [n.numPollers]: gauge("Pollers currently running, by poller type"),
  [n.workerTaskSlotsAvailable]: gauge("Free task slots, by worker type"),
  [n.workerTaskSlotsUsed]: gauge("Task slots in use, by worker type"),
  [n.stickyCacheHit]: counter("Workflow tasks that found their workflow in the cache"),
  [n.stickyCacheMiss]: counter("Sticky workflow tasks whose workflow was not in the cache"),
  [n.stickyCacheSize]: gauge("Workflows currently cached"),
  [n.stickyCacheForcedEviction]: counter("Workflows evicted from the cache"),
  [n.request]: counter("Successful calls to the Temporal service, by operation"),
  [n.requestFailure]: counter("Failed calls to the Temporal service, by operation and status code"),
  [n.requestLatency]: histogram("Latency of calls to the Temporal service", bucketsMs.default),
  [n.longRequest]: counter("Successful long polls, by operation"),
  [n.longRequestFailure]: counter("Failed long polls, by operation and status code"),
  [n.longRequestLatency]: histogram("Latency of long polls", bucketsMs.default),
};

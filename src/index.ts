// The runtime-agnostic public API of "temporal-edge-worker". Users import the
// package name, which resolves (by export conditions) to their runtime's entry
// in src/adapters/<runtime>/index.ts: these names, plus `Worker`, `connect`,
// `runReplayHistory` and `runReplayHistories` with the runtime's Platform bound.

// Worker entities
export { createWorkerEntity, type WorkerStatus } from "./worker/worker.ts";
export { createActivityWorker, type ActivityWorker, type ActivityWorkerOptions, type ActivityWorkerStatus } from "./worker/activity/index.ts";
export { createWorkflowWorker, type WorkflowWorker, type WorkflowWorkerOptions, type WorkflowWorkerStatus } from "./worker/workflow/index.ts";

// Replay
export {
  DeterminismViolationError,
  type HistoryAndWorkflowId,
  ReplayError,
  type ReplayOptions,
  type ReplayResult,
  historyFromJson,
  parseHistories,
} from "./replay/index.ts";

// Connection
export type { Connection, WorkflowServiceClient, OperatorServiceClient } from "./connection/connection.ts";
export type { ConnectionOptions, RetryOptions } from "./connection/options.ts";
export { Code, ServiceError } from "./common/errors.ts";
export type { Duration } from "./common/duration.ts";
export { VERSION } from "./common/version.ts";

// Data conversion and failures
export * from "./converter/index.ts";
export * from "./failure/index.ts";

// Process: configuration, logs, metrics
export { defineWorkerConfig, ConfigError } from "./config/index.ts";
export { createLogger } from "./logging/index.ts";
export type { Logger, LogLevel, LogMetadata } from "./logging/types.ts";
export { createMetricRegistry, metricNames } from "./metrics/index.ts";
export { type MetricMeter, noopMeter } from "./metrics/types.ts";
export type { EntityContext, EntityFactory, WorkerEntity } from "./process/entity.ts";

// ---- for adapters and advanced use ----
export type { Platform, TlsConfig, GrpcChannel, GrpcChannelOptions, HttpServer, ServeHttpOptions } from "./platform/platform.ts";
export { runCli } from "./cli/main.ts";
export { connect as connectWithPlatform } from "./connection/connection.ts";
export { Worker as CoreWorker, type WorkerOptions as CoreWorkerOptions } from "./worker/worker.ts";
export { WorkflowRun } from "./engine/workflow-run.ts";
export { driveWorkflowTask } from "./engine/drive-task.ts";
export { createWorkerProcess } from "./process/index.ts";
export { createHealthApp } from "./health/index.ts";
export { provideRunDependencies } from "./cli/commands/run.ts";

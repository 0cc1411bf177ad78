// Worker entities: exported from "temporal-edge-worker".
export { createWorkerEntity, Worker, type WorkerOptions, type WorkerStatus } from "./worker.ts";
export { createActivityWorker, type ActivityWorker, type ActivityWorkerOptions, type ActivityWorkerStatus } from "./activity/index.ts";
export { createWorkflowWorker, type WorkflowWorker, type WorkflowWorkerOptions, type WorkflowWorkerStatus } from "./workflow/index.ts";

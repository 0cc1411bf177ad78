// The workflow worker entity: exported from "temporal-edge-worker".
export {
  createWorkflowWorker,
  type WorkflowWorker,
  type WorkflowWorkerState,
  type WorkflowWorkerStatus,
} from "./workflow-worker.ts";
export type { ResolvedWorkflowWorkerOptions, WorkflowWorkerOptions, WorkflowWorkerPlatform } from "./options.ts";

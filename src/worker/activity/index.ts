// The activity worker entity: exported from "temporal-edge-worker".
export {
  type ActivityWorker,
  type ActivityWorkerStatus,
  createActivityWorker,
  type WorkerState,
} from "./activity-worker.ts";
export type { ActivityWorkerOptions, ActivityWorkerPlatform, ResolvedActivityWorkerOptions } from "./options.ts";

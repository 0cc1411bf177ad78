import { loadDataConverter } from "../../converter/data-converter.ts";
import type { DataConverter } from "../../converter/types.ts";
import type { Logger } from "../../logging/types.ts";
import type { Platform } from "../../platform/platform.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule, type WorkflowRuntime } from "../../workflow/runtime.ts";
import { createThreadedWorkflowRuntime } from "../../workflow/thread-runtime.ts";

/** The workflow runtime: workflow threads for `workflowsPath`, the calling thread for `workflows`. */
export function createWorkflowRuntime(options: {
  workflowsPath?: string | undefined;
  workflows?: WorkflowModule | undefined;
  namespace: string;
  taskQueue: string;
  dataConverter?: DataConverter | undefined;
  deadlockTimeoutMs: number;
  threads?: number | undefined;
  logger?: Logger | undefined;
  platform: Pick<Platform, "spawnWorkflowThread" | "createAsyncLocalStorage">;
}): WorkflowRuntime {
  const { platform } = options;
  if (options.workflowsPath !== undefined) {
    if (options.dataConverter?.payloadConverter || options.dataConverter?.failureConverter) {
      throw new TypeError(
        "invalid worker options: dataConverter.payloadConverter and dataConverter.failureConverter cannot be used with workflowsPath: " +
          "workflow threads use the default converters. Give `workflows` (run in-process) instead, or keep the default converters and use payloadCodecs",
      );
    }
    return createThreadedWorkflowRuntime({
      spawnThread: () => platform.spawnWorkflowThread(),
      workflowsPath: options.workflowsPath,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      deadlockTimeoutMs: options.deadlockTimeoutMs,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }
  const ldc = loadDataConverter(options.dataConverter);
  return createInProcessWorkflowRuntime({
    workflows: options.workflows ?? {},
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    payloadConverter: ldc.payloadConverter,
    failureConverter: ldc.failureConverter,
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    logger: options.logger,
    deadlockTimeoutMs: options.deadlockTimeoutMs,
  });
}

import { loadDataConverter } from "../../converter/data-converter.ts";
import type { DataConverter } from "../../converter/types.ts";
import type { Logger } from "../../logging/types.ts";
import type { Platform } from "../../platform/platform.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule, type WorkflowRuntime } from "../../workflow/runtime.ts";
import type { InjectedSinks, Sinks } from "../../workflow/sinks.ts";
import { createThreadedWorkflowRuntime } from "../../workflow/thread-runtime.ts";
import type { WorkerDataConverter } from "./converter-modules.ts";

export interface WorkflowRuntimeFactoryOptions {
  workflowsPath?: string | undefined;
  workflows?: WorkflowModule | undefined;
  namespace: string;
  taskQueue: string;
  /** As the user gave it: paths go to the threads. */
  dataConverter?: WorkerDataConverter | undefined;
  /** The same with every converter loaded (loadConverterModules), for the calling thread. */
  loadedDataConverter?: DataConverter | undefined;
  /** Modules exporting `interceptors` (the official `interceptors.workflowModules`). */
  interceptorModulePaths?: readonly string[] | undefined;
  /** The worker's activity types: a local activity of another type fails at once. */
  registeredActivityNames: ReadonlySet<string>;
  sinks?: InjectedSinks<Sinks> | undefined;
  /** Runs a workflow thread took with it (after a deadlock): the worker evicts them. */
  onRunsLost?: ((runIds: string[], reason: string) => void) | undefined;
  deadlockTimeoutMs: number;
  threads?: number | undefined;
  logger?: Logger | undefined;
  platform: Pick<Platform, "spawnWorkflowThread" | "createAsyncLocalStorage" | "importModule">;
}

/** The workflow runtime: workflow threads for `workflowsPath`, the calling thread for `workflows`. */
export async function createWorkflowRuntime(options: WorkflowRuntimeFactoryOptions): Promise<WorkflowRuntime> {
  const { platform, dataConverter } = options;
  const optional = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.sinks ? { sinks: options.sinks } : {}),
    registeredActivityNames: options.registeredActivityNames,
  };
  if (options.workflowsPath !== undefined) {
    if (dataConverter?.payloadConverter || dataConverter?.failureConverter) {
      throw new TypeError(
        "invalid worker options: dataConverter.payloadConverter and dataConverter.failureConverter cannot be used with workflowsPath: " +
          "converter objects cannot be passed to workflow threads. Put the converter in a module that exports `payloadConverter` " +
          "(or `failureConverter`) and give its path as dataConverter.payloadConverterPath (or failureConverterPath), as with the official SDK",
      );
    }
    return createThreadedWorkflowRuntime({
      spawnThread: () => platform.spawnWorkflowThread(),
      workflowsPath: options.workflowsPath,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      deadlockTimeoutMs: options.deadlockTimeoutMs,
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(dataConverter?.payloadConverterPath !== undefined ? { payloadConverterPath: dataConverter.payloadConverterPath } : {}),
      ...(dataConverter?.failureConverterPath !== undefined ? { failureConverterPath: dataConverter.failureConverterPath } : {}),
      ...(options.interceptorModulePaths?.length ? { interceptorModulePaths: [...options.interceptorModulePaths] } : {}),
      ...(options.onRunsLost ? { onRunsLost: options.onRunsLost } : {}),
      ...optional,
    });
  }
  const ldc = loadDataConverter(options.loadedDataConverter);
  const interceptorModules = await Promise.all((options.interceptorModulePaths ?? []).map((path) => platform.importModule(path)));
  return createInProcessWorkflowRuntime({
    workflows: options.workflows ?? {},
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    payloadConverter: ldc.payloadConverter,
    failureConverter: ldc.failureConverter,
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    deadlockTimeoutMs: options.deadlockTimeoutMs,
    ...(interceptorModules.length > 0 ? { interceptorModules } : {}),
    ...optional,
  });
}

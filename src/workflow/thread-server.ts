// The inside of a workflow thread: an in-process runtime serving activations
// from the main thread, with the user's converters and interceptor modules
// loaded here. The adapter's thread entry supplies the runtime powers.
import type { FailureConverter, PayloadConverter } from "../converter/types.ts";
import type { AsyncLocalStore } from "../platform/platform.ts";
import type { WorkflowLogRecord } from "./log.ts";
import { createInProcessWorkflowRuntime, type WorkflowRuntime } from "./runtime.ts";
import type { SinkCall } from "./sinks.ts";
import { type ThreadInit, type ThreadPort, type ToThread, toThreadSinkCall } from "./thread-protocol.ts";

export interface WorkflowThreadPowers {
  createAsyncLocalStorage: <T>() => AsyncLocalStore<T>;
  importModule(path: string): Promise<Record<string, unknown>>;
  /** Both given (Deno): activations run synchronously under node:vm's timeout. */
  flushMicrotasks?: () => void;
  runWithTimeout?: (fn: () => void, timeoutMs: number) => void;
  /**
   * The thread's hook for unhandled promise rejections (`process.on("unhandledRejection")` on Node and
   * Bun); returns a remover. Without it, the Web `unhandledrejection` event (Deno).
   */
  onUnhandledRejection?: (handler: (reason: unknown) => void) => () => void;
}

/** The named export of a converter module, checked to have the converter's methods. */
async function importConverter<T>(powers: WorkflowThreadPowers, path: string, exportName: string, methods: string[]): Promise<T> {
  const mod = await powers.importModule(path);
  const value = mod[exportName] as Record<string, unknown> | undefined;
  const missing = methods.filter((m) => typeof value?.[m] !== "function");
  if (value === undefined || missing.length > 0) {
    throw new TypeError(
      `${path} must export \`${exportName}\` with ${methods.join(" and ")} methods` +
        (value === undefined ? ` (it exports: ${Object.keys(mod).join(", ") || "nothing"})` : ` (missing: ${missing.join(", ")})`),
    );
  }
  return value as T;
}

async function createThreadRuntime(
  init: ThreadInit,
  powers: WorkflowThreadPowers,
  onOutput: (output: { logs: WorkflowLogRecord[]; sinkCalls: SinkCall[] }, runId: string) => void,
): Promise<WorkflowRuntime> {
  const workflows = await powers.importModule(init.workflowsPath);
  const interceptorModules = await Promise.all(init.interceptorModulePaths.map((p) => powers.importModule(p)));
  const payloadConverter = init.payloadConverterPath
    ? await importConverter<PayloadConverter>(powers, init.payloadConverterPath, "payloadConverter", ["toPayload", "fromPayload"])
    : undefined;
  const failureConverter = init.failureConverterPath
    ? await importConverter<FailureConverter>(powers, init.failureConverterPath, "failureConverter", ["errorToFailure", "failureToError"])
    : undefined;
  return createInProcessWorkflowRuntime({
    workflows,
    namespace: init.namespace,
    taskQueue: init.taskQueue,
    deadlockTimeoutMs: init.deadlockTimeoutMs,
    createAsyncLocalStorage: powers.createAsyncLocalStorage,
    interceptorModules,
    ...(payloadConverter ? { payloadConverter } : {}),
    ...(failureConverter ? { failureConverter } : {}),
    ...(init.registeredActivityNames ? { registeredActivityNames: new Set(init.registeredActivityNames) } : {}),
    // Lines go back with each completion; the main thread's logger writes them.
    logger: undefined,
    onOutput,
    ...(powers.flushMicrotasks && powers.runWithTimeout ? { flushMicrotasks: powers.flushMicrotasks, runWithTimeout: powers.runWithTimeout } : {}),
    ...(powers.onUnhandledRejection ? { onUnhandledRejection: powers.onUnhandledRejection } : {}),
  });
}

export function serveWorkflowThread(port: ThreadPort, powers: WorkflowThreadPowers): void {
  let runtime: WorkflowRuntime | undefined;
  // Activations may queue up here (the main thread pipelines them); each run has at most one in progress.
  const outputByRun = new Map<string, { logs: WorkflowLogRecord[]; sinkCalls: SinkCall[] }>();
  port.onMessage(async (message: ToThread) => {
    switch (message.kind) {
      case "init": {
        try {
          runtime = await createThreadRuntime(message, powers, (output, runId) => {
            if (output.logs.length > 0 || output.sinkCalls.length > 0) outputByRun.set(runId, output);
          });
          port.postMessage({ kind: "ready" });
        } catch (err) {
          port.postMessage({ kind: "init-failed", message: `cannot load the workflow thread's modules: ${err instanceof Error ? err.message : String(err)}` });
        }
        return;
      }
      case "activate": {
        const rt = runtime as WorkflowRuntime;
        const { runId } = message.activation;
        const completion = await rt.activate(message.activation);
        const output = outputByRun.get(runId);
        outputByRun.delete(runId);
        port.postMessage({
          kind: "completion",
          id: message.id,
          completion,
          logs: output?.logs ?? [],
          sinkCalls: output?.sinkCalls.map(toThreadSinkCall) ?? [],
        });
        return;
      }
      case "evict":
        await runtime?.evict(message.runId);
        port.postMessage({ kind: "evicted", id: message.id });
        return;
    }
  });
}

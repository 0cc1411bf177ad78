// The inside of a workflow thread: an in-process runtime serving activations
// from the main thread. The adapter's thread entry supplies the runtime powers.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { WorkflowActivationSchema } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { WorkflowActivationCompletionSchema } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { AsyncLocalStore } from "../platform/platform.ts";
import type { WorkflowLogRecord } from "./log.ts";
import { createInProcessWorkflowRuntime, type WorkflowRuntime } from "./runtime.ts";
import type { ThreadPort, ToThread } from "./thread-protocol.ts";

export interface WorkflowThreadPowers {
  createAsyncLocalStorage: <T>() => AsyncLocalStore<T>;
  importModule(path: string): Promise<Record<string, unknown>>;
  /** Both given (Deno): activations run synchronously under node:vm's timeout. */
  flushMicrotasks?: () => void;
  runWithTimeout?: (fn: () => void, timeoutMs: number) => void;
}

export function serveWorkflowThread(port: ThreadPort, powers: WorkflowThreadPowers): void {
  let runtime: WorkflowRuntime | undefined;
  let pendingLogs: WorkflowLogRecord[] = [];
  port.onMessage(async (message: ToThread) => {
    switch (message.kind) {
      case "init": {
        try {
          const workflows = await powers.importModule(message.workflowsPath);
          runtime = createInProcessWorkflowRuntime({
            workflows,
            namespace: message.namespace,
            taskQueue: message.taskQueue,
            deadlockTimeoutMs: message.deadlockTimeoutMs,
            createAsyncLocalStorage: powers.createAsyncLocalStorage,
            // Lines go back with each completion; the main thread's logger writes them.
            logger: undefined,
            onLogs: (logs) => {
              pendingLogs = logs;
            },
            ...(powers.flushMicrotasks && powers.runWithTimeout
              ? { flushMicrotasks: powers.flushMicrotasks, runWithTimeout: powers.runWithTimeout }
              : {}),
          });
          port.postMessage({ kind: "ready" });
        } catch (err) {
          port.postMessage({ kind: "init-failed", message: `cannot load workflows from ${message.workflowsPath}: ${String(err)}` });
        }
        return;
      }
      case "activate": {
        const rt = runtime as WorkflowRuntime;
        pendingLogs = [];
        const completion = await rt.activate(fromBinary(WorkflowActivationSchema, message.activation));
        port.postMessage({ kind: "completion", id: message.id, completion: toBinary(WorkflowActivationCompletionSchema, completion), logs: pendingLogs });
        return;
      }
      case "evict":
        await runtime?.evict(message.runId);
        port.postMessage({ kind: "evicted", id: message.id });
        return;
    }
  });
}

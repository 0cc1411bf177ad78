// Spawning workflow threads on Node: worker_threads, entered at the
// workflow-thread entry file that threadEntry (workflow-threads.ts) names.
import { Worker as NodeWorker } from "node:worker_threads";
import type { WorkflowThreadHandle } from "../../platform/platform.ts";

export function spawnNodeWorkflowThread(entry: URL): WorkflowThreadHandle {
  const worker = new NodeWorker(entry);
  // A workflow thread never keeps the process alive on its own.
  worker.unref();
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (handler) => worker.on("message", handler),
    onError: (handler) => worker.on("error", handler),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

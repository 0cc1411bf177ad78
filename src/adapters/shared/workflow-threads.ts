// Spawning workflow threads: worker_threads on Node, Web Workers on Bun and
// Deno. Each thread enters at its runtime's workflow-thread entry file.
import { Worker as NodeWorker } from "node:worker_threads";
import type { WorkflowThreadHandle } from "../../platform/platform.ts";

/** The entry file next to `moduleUrl`, with the extension this build runs (.ts from source, .js from dist). */
export function threadEntry(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith(".js") ? "./workflow-thread.js" : "./workflow-thread.ts", moduleUrl);
}

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

interface WebWorker {
  postMessage(message: unknown): void;
  addEventListener(type: "message" | "error", listener: (event: { data?: unknown; error?: unknown; message?: string }) => void): void;
  terminate(): void;
}

export function spawnWebWorkflowThread(entry: URL): WorkflowThreadHandle {
  const WorkerCtor = (globalThis as unknown as { Worker: new (url: string, options: { type: "module" }) => WebWorker }).Worker;
  const worker = new WorkerCtor(entry.href, { type: "module" });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (handler) => worker.addEventListener("message", (event) => handler(event.data)),
    onError: (handler) => worker.addEventListener("error", (event) => handler(event.error ?? new Error(event.message ?? "workflow thread error"))),
    terminate: async () => worker.terminate(),
  };
}

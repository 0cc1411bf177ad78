// Spawning workflow threads as Web Workers (Bun and Deno; Node's
// worker_threads are in node-workflow-threads.ts, so Bun and Deno never load
// node:worker_threads). Each thread enters at its runtime's entry file.
import type { WorkflowThreadHandle } from "../../platform/platform.ts";

/** The entry file next to `moduleUrl`, with the extension this build runs (.ts from source, .js from dist). */
export function threadEntry(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith(".js") ? "./workflow-thread.js" : "./workflow-thread.ts", moduleUrl);
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

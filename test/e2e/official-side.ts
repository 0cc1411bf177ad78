// The official SDK's side of the interchange tests: its client and, on
// demand, its worker on a task queue. In-process on Node; in a Node child
// process driven over stdin/stdout for Bun and Deno (official-side-main.ts).
import { fileURLToPath } from "node:url";
import * as activities from "../support/official/activities.ts";
import { createOfficialEnvironment, type RunningWorker } from "../support/official/environment.ts";

/** What a test asks of the official SDK. */
export interface OfficialSide {
  startWorker(taskQueue: string): Promise<void>;
  stopWorker(): Promise<void>;
  start(workflowType: string, workflowId: string, taskQueue: string, args: unknown[], options?: { workflowTaskTimeout?: string }): Promise<void>;
  signal(workflowId: string, signalName: string): Promise<void>;
  result(workflowId: string): Promise<unknown>;
  close(): Promise<void>;
}

/** The official worker's copy of the interchange workflows (compiled .js: the official bundler reads it). */
const officialWorkflowsPath = fileURLToPath(new URL("./fixtures/interchange-official.js", import.meta.url));

export async function createOfficialSide(address: string): Promise<OfficialSide> {
  const env = await createOfficialEnvironment(address);
  let worker: RunningWorker | undefined;
  return {
    async startWorker(taskQueue) {
      if (worker) throw new Error("the official worker is already running");
      worker = await env.startWorker({ taskQueue, activities, workflowsPath: officialWorkflowsPath });
    },
    async stopWorker() {
      await worker?.stop();
      worker = undefined;
    },
    async start(workflowType, workflowId, taskQueue, args, options) {
      await env.client.workflow.start(workflowType, { workflowId, taskQueue, args, ...options });
    },
    async signal(workflowId, signalName) {
      await env.client.workflow.getHandle(workflowId).signal(signalName);
    },
    result: (workflowId) => env.client.workflow.getHandle(workflowId).result(),
    close: () => env.close(),
  };
}

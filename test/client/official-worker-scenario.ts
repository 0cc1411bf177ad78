// Keeps official workers running on the dev server while this project's
// client, in the test's own process and runtime, drives workflows on them.
// Run by official-worker.test.ts: in-process on Node, in a Node child process
// for Bun and Deno (the official worker needs Node).
import { fileURLToPath } from "node:url";
import * as sharedActivities from "../support/official/activities.ts";
import type { OfficialEnvironment } from "../support/official/environment.ts";
import type { Scenario } from "../support/official/scenario.ts";
import * as asyncActivities from "./async-activities.ts";

/** Task queues and the sentinel workflow id, derived from the server's port so both processes agree. */
export function e2eNames(port: string | number) {
  return {
    taskQueue: `client-e2e-${port}`,
    asyncTaskQueue: `client-e2e-async-${port}`,
    sentinelId: `client-e2e-sentinel-${port}`,
  };
}

async function serveUntilSentinelCloses(env: OfficialEnvironment): Promise<void> {
  const names = e2eNames(env.address.split(":").pop() ?? "");
  const workers = [
    await env.startWorker({ taskQueue: names.taskQueue, activities: sharedActivities }),
    await env.startWorker({
      taskQueue: names.asyncTaskQueue,
      activities: asyncActivities,
      workflowsPath: fileURLToPath(new URL("./async-workflows.js", import.meta.url)),
    }),
  ];
  try {
    // The client side terminates the sentinel when it is done; until then the workers serve.
    const sentinel = await env.client.workflow.start("sleepsForever", { workflowId: names.sentinelId, taskQueue: names.taskQueue });
    await sentinel.result().catch(() => undefined);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

export const scenarios: Record<string, Scenario> = {
  officialWorkers: { server: "normal", run: (env) => serveUntilSentinelCloses(env) },
};

// The workflow the activity benchmark runs on the official worker: `count`
// no-op activities on `taskQueue`, `parallel` of them in flight at any time
// (a new one starts as soon as one ends, so no batch waits for its slowest).
import { proxyActivities } from "@temporalio/workflow";

export async function noopFanOut(taskQueue: string, count: number, parallel: number): Promise<number> {
  const { noop } = proxyActivities<{ noop(): Promise<void> }>({ taskQueue, startToCloseTimeout: "1 minute" });
  let started = 0;
  const lane = async () => {
    while (started < count) {
      started++;
      await noop();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return started;
}

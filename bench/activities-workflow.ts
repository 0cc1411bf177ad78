// The workflow the activity benchmark runs on the official worker: `count`
// no-op activities on `taskQueue`, `parallel` at a time.
import { proxyActivities } from "@temporalio/workflow";

export async function noopFanOut(taskQueue: string, count: number, parallel: number): Promise<number> {
  const { noop } = proxyActivities<{ noop(): Promise<void> }>({ taskQueue, startToCloseTimeout: "1 minute" });
  let done = 0;
  while (done < count) {
    const batch = Math.min(parallel, count - done);
    await Promise.all(Array.from({ length: batch }, () => noop()));
    done += batch;
  }
  return done;
}

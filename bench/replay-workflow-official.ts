// The replay benchmark's workflow for the official worker: `count` sequential
// one-second timers (the same code as replay-workflow.ts, other import path).
import { sleep } from "@temporalio/workflow";

export async function sequentialTimers(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await sleep(1000);
  return count;
}

// The replay benchmark's workflow for this project: `count` sequential
// one-second timers (the same code as replay-workflow-official.ts).
import { sleep } from "../src/workflow/index.ts";

export async function sequentialTimers(count: number): Promise<number> {
  for (let i = 0; i < count; i++) await sleep(1000);
  return count;
}

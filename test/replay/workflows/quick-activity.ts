// sdk-python/test_replayer_swallowed_activity_cancellation (NEGATIVE): short
// activities in a loop until workflow time passes a deadline. The recording
// SDK swallowed a workflow cancellation and scheduled one more activity; this
// code honours the cancellation, so replay must fail with [TMPRL1100].
import { proxyActivities } from "../../../src/workflow/index.ts";

const { short_activity_async } = proxyActivities<{ short_activity_async(): Promise<number> }>({ startToCloseTimeout: "10s" });

export async function QuickActivityWorkflow(totalSeconds: number): Promise<number> {
  const end = Date.now() + totalSeconds * 1000;
  let total = 0;
  while (Date.now() < end) total += await short_activity_async();
  return total;
}

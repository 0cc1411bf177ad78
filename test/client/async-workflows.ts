// A workflow the official worker runs for the async-completion tests
// (bundled by @temporalio/worker from the compiled .js beside this file).
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from "@temporalio/workflow";
import type * as activities from "./async-activities.ts";

export const cancelActivity = defineSignal("cancelActivity");

/** Runs `completesLater` under a known activity id and says how it ended. */
export async function asyncActivity(activityId: string): Promise<string> {
  const { completesLater } = proxyActivities<typeof activities>({
    activityId,
    startToCloseTimeout: "1 minute",
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let cancel = false;
  setHandler(cancelActivity, () => {
    cancel = true;
  });
  try {
    return await CancellationScope.cancellable(async () => {
      const pending = completesLater();
      let settled = false;
      pending.then(
        () => (settled = true),
        () => (settled = true),
      );
      await condition(() => cancel || settled);
      if (cancel && !settled) CancellationScope.current().cancel();
      return `completed: ${JSON.stringify(await pending)}`;
    });
  } catch (err) {
    if (isCancellation(err)) return "cancelled";
    return `failed: ${(err as { cause?: Error }).cause?.message}`;
  }
}

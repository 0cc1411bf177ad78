// sdk-typescript/cancel_fake_progress_history(.bin): an activity cancelled
// once it reports (by signal) that it started, waiting for the cancellation
// to be confirmed, the cancellation swallowed.
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from "../../../src/workflow/index.ts";

const { fakeProgress } = proxyActivities<{ fakeProgress(): Promise<void> }>({
  startToCloseTimeout: "200s",
  heartbeatTimeout: "3s",
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export const activityStarted = defineSignal("activityStarted");

export async function cancelFakeProgress(): Promise<void> {
  let started = false;
  setHandler(activityStarted, () => {
    started = true;
  });
  try {
    await CancellationScope.cancellable(async () => {
      const progress = fakeProgress();
      await condition(() => started);
      CancellationScope.current().cancel();
      await progress;
    });
    throw new Error("the activity should have been cancelled");
  } catch (err) {
    if (!isCancellation(err)) throw err;
  }
}

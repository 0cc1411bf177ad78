// sdk-typescript/otel_smorgasbord_1_13_1 and _1_13_2: the last run (iteration
// 2) of a continue-as-new chain that does a little of everything at once in
// one cancellable scope: two activities (one reports by signal that it
// started, the other queries the workflow), a timer, a child workflow that is
// signalled and awaited, a local activity, and a condition on the signal.
// Iterations 0 and 1 (cancel, continue as new) are not in the histories.
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
} from "../../../src/workflow/index.ts";
import { interceptorsBefore1_13_2, interceptorsFrom1_13_2 } from "./otel-interceptors.ts";

interface Activities {
  fakeProgress(sleepIntervalMs: number, numIterations: number): Promise<void>;
  queryOwnWf(query: { type: "query"; name: string }): Promise<number>;
  echo(message: string): Promise<string>;
}

const { fakeProgress, queryOwnWf } = proxyActivities<Activities>({
  startToCloseTimeout: "1m",
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const { echo } = proxyLocalActivities<Activities>({
  startToCloseTimeout: "1m",
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export const stepQuery = defineQuery<number>("step");
export const activityStartedSignal = defineSignal("activityStarted");
export const unblockSignal = defineSignal("unblock");

export async function signalTarget(): Promise<void> {
  let unblocked = false;
  setHandler(unblockSignal, () => {
    unblocked = true;
  });
  await condition(() => unblocked);
}

export async function smorgasbord(iteration = 0): Promise<void> {
  let unblocked = false;
  setHandler(stepQuery, () => iteration);
  setHandler(activityStartedSignal, () => {
    unblocked = true;
  });
  try {
    await CancellationScope.cancellable(async () => {
      const progress = fakeProgress(100, 10);
      const queried = queryOwnWf({ type: "query", name: stepQuery.name });
      const timer = sleep(1000);
      const child = (async () => {
        const handle = await startChild(signalTarget, {});
        await handle.signal(unblockSignal);
        await handle.result();
      })();
      const local = echo("local-activity");
      if (iteration === 0) CancellationScope.current().cancel();
      await Promise.all([progress, queried, timer, child, local, condition(() => unblocked)]);
    });
  } catch (err) {
    if (iteration !== 0 || !isCancellation(err)) throw err;
  }
  if (iteration < 2) await continueAsNew<typeof smorgasbord>(iteration + 1);
}

// The workflows with the OpenTelemetry interceptors each history was recorded with.
export const recordedBy1_13_1 = { smorgasbord, signalTarget, interceptors: interceptorsBefore1_13_2 };
export const recordedBy1_13_2 = { smorgasbord, signalTarget, interceptors: interceptorsFrom1_13_2 };

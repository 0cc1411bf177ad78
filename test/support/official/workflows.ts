// Workflows the official worker runs in dev-server tests, written against
// @temporalio/workflow. Bundled once per process (see environment.ts).
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from "@temporalio/workflow";
import type * as activities from "./activities.ts";

const { greet, flaky, alwaysFailsNonRetryable, resumesFromHeartbeat } = proxyActivities<typeof activities>({
  startToCloseTimeout: "10s",
  retry: { initialInterval: "50ms", backoffCoefficient: 1, maximumAttempts: 5 },
});

export const approve = defineSignal<[string]>("approve");
export const status = defineQuery<string>("status");
export const setLimit = defineUpdate<number, [number]>("setLimit");

export async function sleepThenGreet(ms: number, name: string): Promise<string> {
  await sleep(ms);
  return await greet(name);
}

export async function retriesActivity(succeedOn: number): Promise<number> {
  return await flaky(succeedOn);
}

export async function nonRetryableActivity(): Promise<string> {
  try {
    await alwaysFailsNonRetryable();
    return "unexpected success";
  } catch (err) {
    return `caught: ${(err as Error & { cause?: Error }).cause?.message}`;
  }
}

export async function heartbeatDetailsWorkflow(): Promise<unknown> {
  return await resumesFromHeartbeat();
}

export async function heartbeatTimeoutWorkflow(): Promise<number> {
  const { stallsOnce } = proxyActivities<typeof activities>({
    startToCloseTimeout: "20s",
    heartbeatTimeout: "500ms",
    retry: { initialInterval: "50ms", maximumAttempts: 3 },
  });
  return await stallsOnce();
}

export async function cancelsActivity(): Promise<string> {
  const { heartbeatsUntilCancelled } = proxyActivities<typeof activities>({
    startToCloseTimeout: "20s",
    heartbeatTimeout: "3s",
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  try {
    await CancellationScope.cancellable(async () => {
      const pending = heartbeatsUntilCancelled();
      await sleep(300);
      CancellationScope.current().cancel();
      await pending;
    });
    return "not cancelled";
  } catch (err) {
    return isCancellation(err) ? "activity cancelled" : `other: ${err}`;
  }
}

/** Waits for `approve` signals; answers `status` queries; `setLimit` updates are validated. */
export async function approvals(needed: number): Promise<string[]> {
  const names: string[] = [];
  let limit = needed;
  setHandler(approve, (name) => void names.push(name));
  setHandler(status, () => `${names.length}/${limit}`);
  setHandler(
    setLimit,
    (value) => {
      const previous = limit;
      limit = value;
      return previous;
    },
    {
      validator: (value) => {
        if (value < 1) throw new Error(`limit must be at least 1, got ${value}`);
      },
    },
  );
  await condition(() => names.length >= limit);
  return names;
}

export async function childGreeter(name: string): Promise<string> {
  return `child says hello to ${name}`;
}

export async function parentWorkflow(name: string): Promise<string[]> {
  const direct = await executeChild(childGreeter, { args: [name], workflowId: `${workflowInfo().workflowId}-child-1` });
  const handle = await startChild(approvals, { args: [1], workflowId: `${workflowInfo().workflowId}-child-2` });
  await handle.signal(approve, "parent");
  const signalled = await handle.result();
  return [direct, ...signalled];
}

export async function countdown(n: number): Promise<string> {
  if (n > 0) await continueAsNew<typeof countdown>(n - 1);
  return `done after ${workflowInfo().continuedFromExecutionRunId ? "continuing" : "no continue"}`;
}

export async function waitsForCancel(): Promise<string> {
  try {
    await sleep("1 hour");
    return "slept";
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(() => greet("cleanup"));
      throw err;
    }
    throw err;
  }
}

export async function sleepsForever(): Promise<void> {
  await sleep("30 days");
}

export async function failsWorkflow(): Promise<never> {
  throw ApplicationFailure.nonRetryable("workflow gave up", "GaveUp");
}

/** Fails its workflow task (a plain Error) until the worker that runs it is a fixed one. */
export async function needsFix(): Promise<string> {
  const { isFixed } = proxyLocalActivities<{ isFixed(): Promise<boolean> }>({ startToCloseTimeout: "5s" });
  if (!(await isFixed())) throw new Error("bug in this worker's workflow code");
  return "fixed";
}

export async function oneDaySleep(): Promise<string> {
  await sleep("1 day");
  return "rested";
}

// ---- Workflows written from the descriptions of the tier-A histories in
// ../shared/histories/sdk-typescript (their recorded event types are the expectation).

export const activityStarted = defineSignal("activityStarted");

/** cancel_fake_progress_history: cancel an activity once it signals that it started, wait for the cancellation. */
export async function cancelFakeProgress(): Promise<void> {
  const { fakeProgress } = proxyActivities<{ fakeProgress(): Promise<void> }>({
    startToCloseTimeout: "200s",
    // Generous, so a loaded machine's late heartbeat does not time the attempt out.
    heartbeatTimeout: "5s",
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  let started = false;
  setHandler(activityStarted, () => void (started = true));
  await CancellationScope.cancellable(async () => {
    const progress = fakeProgress();
    await condition(() => started);
    CancellationScope.current().cancel();
    try {
      await progress;
    } catch (err) {
      if (!isCancellation(err)) throw err;
    }
  });
}

/** lang_flags_replay_correctly_1_11_1: an activity raced against a CancellationScope timeout. */
export async function langFlagsReplayCorrectly(): Promise<void> {
  const { noopActivity } = proxyActivities<{ noopActivity(): Promise<void> }>({ scheduleToCloseTimeout: "10s" });
  await CancellationScope.withTimeout("10s", () => noopActivity());
}

export const startSignal = defineSignal("startSignal");

/** otel_1_13_1: signal-with-start; local activities a, b (from the late-registered signal handler) and c. */
export async function signalStartOtel(): Promise<string> {
  const { a, b, c } = proxyLocalActivities<{ a(): Promise<string>; b(): Promise<string>; c(): Promise<string> }>({
    startToCloseTimeout: "10s",
  });
  let result = await a();
  setHandler(startSignal, async () => void (await b()));
  result += await c();
  return result;
}

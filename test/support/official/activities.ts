// Activities the official worker runs in dev-server tests (written for
// @temporalio/activity; Node only, since the official worker is).
import { activityInfo, ApplicationFailure, Context, heartbeat, sleep } from "@temporalio/activity";

export async function greet(name: string): Promise<string> {
  return `Hello, ${name}!`;
}

/** Fails with a retryable error until attempt `succeedOn`, then returns the attempt. */
export async function flaky(succeedOn: number): Promise<number> {
  const { attempt } = activityInfo();
  if (attempt < succeedOn) throw ApplicationFailure.retryable(`attempt ${attempt} failed on purpose`, "Flaky");
  return attempt;
}

export async function alwaysFailsNonRetryable(): Promise<never> {
  throw ApplicationFailure.nonRetryable("this cannot work", "Permanent");
}

/** Heartbeats details on attempt 1 and fails; the next attempt returns what it was given. */
export async function resumesFromHeartbeat(): Promise<unknown> {
  const info = activityInfo();
  if (info.attempt === 1) {
    heartbeat({ progress: 42 });
    // Let the throttled heartbeat reach the server before failing.
    await sleep(300);
    throw ApplicationFailure.retryable("fail after heartbeat", "Transient");
  }
  return info.heartbeatDetails;
}

/** Never heartbeats on attempt 1 (the server's heartbeat timeout ends it); returns the attempt later. */
export async function stallsOnce(): Promise<number> {
  const info = activityInfo();
  if (info.attempt === 1) {
    await Context.current().sleep(10_000).catch(() => undefined);
    return -1;
  }
  return info.attempt;
}

/** Heartbeats until cancelled; the cancellation (a CancelledFailure from sleep) ends it. */
export async function heartbeatsUntilCancelled(): Promise<never> {
  for (;;) {
    heartbeat();
    await Context.current().sleep(100);
  }
}

/** A worker-specific answer: the broken worker says false, the fixed one true. */
export function makeFixActivities(fixed: boolean) {
  return { isFixed: async () => fixed };
}

/** Activities of the tier-A history workflows; `fakeProgress` signals its own workflow through `client`. */
export function makeHistoryActivities(signalOwnWorkflow: (workflowId: string, signal: string) => Promise<void>) {
  return {
    async fakeProgress(): Promise<void> {
      await signalOwnWorkflow(activityInfo().workflowExecution?.workflowId ?? "", "activityStarted");
      for (;;) {
        heartbeat();
        await Context.current().sleep(100);
      }
    },
    noopActivity: async () => undefined,
    a: async () => "a",
    b: async () => "b",
    c: async () => "c",
  };
}

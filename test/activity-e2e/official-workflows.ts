// Workflows the OFFICIAL worker runs in the activity end-to-end test, written
// against @temporalio/workflow; every activity they call runs on a second task
// queue served by this project's activity worker. Bundled by the official
// worker from the compiled dist/ copy.
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from "@temporalio/workflow";
import type { createActivities, createShutdownActivities } from "./activities.ts";
import { shutdownWork } from "./names.ts";

type Activities = ReturnType<typeof createActivities>;
type ShutdownActivities = ReturnType<typeof createShutdownActivities>;

/** Quick retries, so retry scenarios take milliseconds. */
const fastRetry = { initialInterval: "50ms", backoffCoefficient: 1, maximumAttempts: 5 } as const;

const on = (taskQueue: string) => proxyActivities<Activities>({ taskQueue, startToCloseTimeout: "20s", retry: fastRetry });

export interface FailureSummary {
  name: string;
  message: string;
  type?: string | undefined;
  nonRetryable?: boolean | undefined;
  details?: unknown[] | undefined;
}

export interface ActivityFailureSummary {
  activityType: string;
  retryState: string | undefined;
  /** The identity of the worker that reported the failure. */
  identity: string | undefined;
  cause: FailureSummary | undefined;
}

function summarize(err: unknown): ActivityFailureSummary {
  if (!(err instanceof ActivityFailure)) throw err;
  const cause = err.cause;
  return {
    activityType: err.activityType,
    retryState: err.retryState === undefined ? undefined : String(err.retryState),
    identity: err.identity,
    cause:
      cause === undefined
        ? undefined
        : {
            name: cause.name,
            message: cause.message,
            ...(cause instanceof ApplicationFailure
              ? { type: cause.type ?? undefined, nonRetryable: cause.nonRetryable ?? undefined, details: cause.details ?? undefined }
              : {}),
          },
  };
}

/** "ActivityFailure: CancelledFailure" for an activity failure and its cause. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  return err instanceof ActivityFailure && err.cause ? `${err.name}: ${err.cause.name}` : `${err.name}: ${err.message}`;
}

export async function greetWorkflow(activityQueue: string) {
  return await on(activityQueue).greet("Ana", { mark: "!" });
}

export async function flakyWorkflow(activityQueue: string): Promise<number> {
  return await on(activityQueue).flaky(3);
}

export async function declinesWorkflow(activityQueue: string): Promise<ActivityFailureSummary> {
  try {
    await on(activityQueue).declines();
  } catch (err) {
    return summarize(err);
  }
  throw ApplicationFailure.nonRetryable("declines() was expected to fail");
}

export async function progressWorkflow(activityQueue: string): Promise<unknown> {
  return await on(activityQueue).progress();
}

export async function stallsWorkflow(activityQueue: string) {
  const { stalls } = proxyActivities<Activities>({
    taskQueue: activityQueue,
    startToCloseTimeout: "20s",
    heartbeatTimeout: "500ms",
    retry: { initialInterval: "50ms", maximumAttempts: 3 },
  });
  return await stalls();
}

export const cancelActivity = defineSignal("cancelActivity");
export const finish = defineSignal("finish");
export const outcome = defineQuery<string | undefined>("outcome");

export type CancellationTypeName = keyof typeof ActivityCancellationType;

/**
 * Starts `untilCancelled`, cancels it when signalled `cancelActivity`, and
 * records how the activity call ended (query `outcome`). With
 * WAIT_CANCELLATION_COMPLETED that ending is the worker's confirmation, so
 * the workflow returns at once; otherwise it waits for `finish`, so the test
 * can watch what happens to the activity while the workflow is still open.
 */
export async function cancelWorkflow(activityQueue: string, cancellationType: CancellationTypeName): Promise<string> {
  let cancelRequested = false;
  let finished = false;
  let ending: string | undefined;
  setHandler(cancelActivity, () => void (cancelRequested = true));
  setHandler(finish, () => void (finished = true));
  setHandler(outcome, () => ending);
  const { untilCancelled } = proxyActivities<Activities>({
    taskQueue: activityQueue,
    startToCloseTimeout: "20s",
    heartbeatTimeout: "1s",
    retry: { maximumAttempts: 1 },
    cancellationType: ActivityCancellationType[cancellationType],
  });
  const scope = new CancellationScope();
  const call = scope.run(() => untilCancelled());
  await condition(() => cancelRequested);
  scope.cancel();
  try {
    await call;
    ending = "completed";
  } catch (err) {
    ending = isCancellation(err) ? `cancelled (${describeError(err)})` : `failed: ${describeError(err)}`;
  }
  if (cancellationType !== "WAIT_CANCELLATION_COMPLETED") await condition(() => finished);
  return ending;
}

export async function completesLaterWorkflow(activityQueue: string): Promise<unknown> {
  return await on(activityQueue).completesLater();
}

export async function shutdownWorkflow(shutdownQueue: string): Promise<Array<{ attempt: number }>> {
  const { work } = proxyActivities<ShutdownActivities>({ taskQueue: shutdownQueue, startToCloseTimeout: "20s", retry: fastRetry });
  return await Promise.all(shutdownWork.map((ms) => work(ms)));
}

export async function unregisteredWorkflow(activityQueue: string): Promise<ActivityFailureSummary> {
  const { notRegistered } = proxyActivities<{ notRegistered(): Promise<void> }>({
    taskQueue: activityQueue,
    startToCloseTimeout: "20s",
    retry: { maximumAttempts: 1 },
  });
  try {
    await notRegistered();
  } catch (err) {
    return summarize(err);
  }
  throw ApplicationFailure.nonRetryable("notRegistered() was expected to fail");
}

// The activities this project's worker runs in the end-to-end test, written
// against temporal-edge-worker/activity exactly as they would be against
// @temporalio/activity. They record what they observe (attempts,
// cancellations, task tokens) so the test can check this side too.
import {
  type ActivityCancellationDetails,
  activityInfo,
  ApplicationFailure,
  CancelledFailure,
  CompleteAsyncError,
  Context,
  heartbeat,
  sleep,
} from "../../src/activity/index.ts";

export interface Observation {
  workflowId: string;
  activityType: string;
  activityId: string;
  attempt: number;
  event: "started" | "cancelled" | "finished";
  /** For "cancelled": the CancelledFailure's message (the reason) and the details. */
  reason?: string;
  details?: ActivityCancellationDetails;
}

/** What the activities saw, and the task tokens of those completing asynchronously. */
export interface Recorder {
  readonly observations: Observation[];
  readonly asyncTokens: Map<string, Uint8Array>;
  of(workflowId: string): Observation[];
}

export function createRecorder(): Recorder {
  const observations: Observation[] = [];
  return {
    observations,
    asyncTokens: new Map(),
    of: (workflowId) => observations.filter((o) => o.workflowId === workflowId),
  };
}

function note(recorder: Recorder, event: Observation["event"], extra: Partial<Observation> = {}): void {
  const info = activityInfo();
  recorder.observations.push({
    workflowId: info.workflowExecution?.workflowId ?? "",
    activityType: info.activityType,
    activityId: info.activityId,
    attempt: info.attempt,
    event,
    ...extra,
  });
}

/** Runs `body`; a cancellation it ends with is recorded (reason and details) and rethrown. */
async function observingCancellation<T>(recorder: Recorder, body: () => Promise<T>): Promise<T> {
  note(recorder, "started");
  try {
    const result = await body();
    note(recorder, "finished");
    return result;
  } catch (err) {
    if (err instanceof CancelledFailure) {
      const details = Context.current().cancellationDetails;
      note(recorder, "cancelled", { reason: err.message, ...(details ? { details } : {}) });
    }
    throw err;
  }
}

/** The activities of the main worker; keys must equal `registeredActivityTypes` (names.ts). */
export function createActivities(recorder: Recorder) {
  return {
    /** Plain success, echoing what it knows about itself. */
    async greet(name: string, punctuation: { mark: string }) {
      const info = activityInfo();
      return {
        text: `Hello, ${name}${punctuation.mark}`,
        attempt: info.attempt,
        activityType: info.activityType,
        workflowType: info.workflowType,
        taskQueue: info.taskQueue,
      };
    },

    /** Throws a plain Error (retryable, typed "Error") until attempt `succeedOn`. */
    async flaky(succeedOn: number): Promise<number> {
      const { attempt } = activityInfo();
      if (attempt < succeedOn) throw new Error(`attempt ${attempt} failed on purpose`);
      return attempt;
    },

    async declines(): Promise<never> {
      throw ApplicationFailure.nonRetryable("card declined", "PaymentDeclined", { code: 42, retryable: false });
    },

    /**
     * Attempt 1 heartbeats 1..5 at once (the throttle sends 1 and keeps 5
     * pending) and fails; the next attempt returns the details it was given,
     * which must be the last ones.
     */
    async progress(): Promise<unknown> {
      const info = activityInfo();
      if (info.attempt === 1) {
        for (let step = 1; step <= 5; step++) heartbeat({ step });
        throw ApplicationFailure.retryable("lost the connection to the warehouse", "Transient");
      }
      return info.heartbeatDetails;
    },

    /** Attempt 1 heartbeats once, then stalls until cancelled; later attempts return at once. */
    async stalls(): Promise<{ attempt: number; heartbeatDetails: unknown }> {
      const info = activityInfo();
      if (info.attempt === 1) {
        return observingCancellation(recorder, async () => {
          heartbeat("alive");
          await sleep("60s");
          throw new Error("stalls: attempt 1 was expected to be cancelled");
        });
      }
      return { attempt: info.attempt, heartbeatDetails: info.heartbeatDetails };
    },

    /** Heartbeats every 100 ms until cancelled (the heartbeat answer brings the cancellation). */
    async untilCancelled(): Promise<never> {
      return observingCancellation(recorder, async () => {
        for (;;) {
          heartbeat();
          await sleep(100);
        }
      });
    },

    /** Hands its task token to the test and leaves completion to it. */
    async completesLater(): Promise<never> {
      const info = activityInfo();
      recorder.asyncTokens.set(info.workflowExecution?.workflowId ?? "", info.taskToken);
      throw new CompleteAsyncError();
    },
  };
}

/**
 * The activity of the shutdown scenario: on attempt 1 it runs `ms` (quick
 * ones end within the shutdown grace time, slow ones are cancelled by the
 * shutdown); a retry returns at once.
 */
export function createShutdownActivities(recorder: Recorder) {
  return {
    async work(ms: number): Promise<{ attempt: number }> {
      const { attempt } = activityInfo();
      if (attempt > 1) return { attempt };
      return observingCancellation(recorder, async () => {
        await sleep(ms);
        return { attempt };
      });
    },
  };
}

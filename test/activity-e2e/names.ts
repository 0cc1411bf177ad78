// Names both sides of the activity end-to-end test agree on: the test's own
// process (dev server and this project's activity workers, on the suite's
// runtime) and the Node side (official client and official workflow worker,
// in-process on Node or in a Node child process). Derived from the dev
// server's port, the one thing both sides are told.

/** The scenarios, in the order the test file registers them. */
export const scenarioNames = [
  "success",
  "retries then success",
  "non-retryable failure",
  "heartbeat details reach the next attempt",
  "heartbeat timeout",
  "cancellation TRY_CANCEL",
  "cancellation WAIT_CANCELLATION_COMPLETED",
  "cancellation ABANDON",
  "async completion",
  "shutdown with activities in flight",
  "unregistered activity type",
] as const;

export type ScenarioName = (typeof scenarioNames)[number];

/**
 * The activity types our main worker registers, in registration order; the
 * "unregistered activity type" scenario expects exactly this list in the
 * failure message (the test checks the worker's activities against it).
 */
export const registeredActivityTypes = [
  "greet",
  "flaky",
  "declines",
  "progress",
  "stalls",
  "untilCancelled",
  "completesLater",
] as const;

/**
 * The activity durations (ms) of the shutdown scenario: the first three end
 * within worker A's shutdown grace time, the others are cancelled by it.
 */
export const shutdownWork = [1_000, 1_000, 1_000, 60_000, 60_000, 60_000] as const;

/** How long worker A's running activities may finish after its shutdown() (ms). */
export const shutdownGraceMs = 2_500;

/** An identity prefix of this project's workers, so the Node side can tell who ran an activity. */
export const ourIdentityPrefix = "edge-e2e";

export function e2eNames(port: string | number) {
  return {
    /** Where the official worker runs the workflows. */
    workflowQueue: `edge-e2e-workflows-${port}`,
    /** Where our main activity worker serves `registeredActivityTypes`. */
    activityQueue: `edge-e2e-activities-${port}`,
    /** Served by our worker A, shut down mid-flight, then by worker B. */
    shutdownQueue: `edge-e2e-shutdown-${port}`,
    workflowId: (scenario: ScenarioName) => `${scenario.replaceAll(" ", "-")}-${port}`,
  };
}

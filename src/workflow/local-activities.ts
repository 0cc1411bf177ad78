// Local activities: run by the worker that runs the workflow, recorded as
// markers. When an attempt fails and the next retry is further away than
// `localRetryThreshold`, the engine answers with a backoff instead of
// retrying in place; the workflow then sleeps on a durable timer and
// schedules the next attempt itself, carrying the attempt number and the
// original schedule time, as the official SDK does.
import type { Duration } from "../common/duration.ts";
import { compileRetryPolicy, type RetryPolicy } from "../client/retry-policy.ts";
import { msToNumber } from "../common/duration.ts";
import type { Activator } from "./activator.ts";
import {
  type ActivityCancellationType,
  type ActivityInterfaceFor,
  CANCELLATION_TYPES,
  optionalDuration,
  quiet,
  type UntypedActivities,
  validateActivityOptions,
} from "./activities.ts";
import { CancellationScope } from "./cancellation-scope.ts";
import { getActivator } from "./context.ts";
import { LocalActivityDoBackoff } from "./errors.ts";
import { composeInterceptors, type LocalActivityInput } from "./interceptors.ts";
import { sleep } from "./timers.ts";
import { userMetadata } from "./user-metadata.ts";

export interface LocalActivityOptions {
  retry?: RetryPolicy;
  startToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  /** Retries further away than this wait on a durable timer instead of in the worker. Default 1 minute (set by the engine). */
  localRetryThreshold?: Duration;
  cancellationType?: ActivityCancellationType;
  /** A one-line summary shown for this activity in the UI. */
  summary?: string;
}

/** Schedules a local activity by type name; resolves with its result or rejects with an ActivityFailure. */
export async function scheduleLocalActivity<R = unknown>(activityType: string, args: unknown[], options: LocalActivityOptions): Promise<R> {
  const activator = getActivator("scheduleLocalActivity()");
  if (options === undefined) throw new TypeError("Got empty activity options");
  let attempt = 1;
  let originalScheduleTime: LocalActivityInput["originalScheduleTime"];
  for (;;) {
    const seq = activator.nextSeqs.activity++;
    const execute = composeInterceptors(activator.interceptors.outbound, "scheduleLocalActivity", (input) =>
      startLocalActivity(activator, input),
    );
    try {
      return (await execute({
        activityType,
        args,
        options,
        headers: {},
        seq,
        attempt,
        ...(originalScheduleTime === undefined ? {} : { originalScheduleTime }),
      })) as R;
    } catch (err) {
      if (!(err instanceof LocalActivityDoBackoff)) throw err;
      const { backoffDuration } = err.backoff;
      if (backoffDuration === undefined) throw new TypeError(`local activity ${activityType}: backoff without a duration`);
      await sleep(Number(backoffDuration.seconds) * 1000 + Math.floor(backoffDuration.nanos / 1_000_000));
      attempt = err.backoff.attempt;
      originalScheduleTime = err.backoff.originalScheduleTime;
    }
  }
}

async function startLocalActivity(activator: Activator, input: LocalActivityInput): Promise<unknown> {
  const { activityType, args, options, headers, seq, attempt, originalScheduleTime } = input;
  // Fails at once, rather than after a round trip, when this worker cannot run the activity; not when
  // replaying, where the activity does not run.
  const registered = activator.registeredActivityNames;
  if (registered && !activator.info.unsafe.isReplaying && !registered.has(activityType) && !registered.has("default")) {
    throw new ReferenceError(`Local activity of type '${activityType}' not registered on worker`);
  }
  validateActivityOptions(options);
  return new Promise((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch(() => {
          if (!activator.completions.activity.has(seq)) return;
          activator.pushCommand({ variant: { case: "requestCancelLocalActivity", value: { seq } } });
        }),
      );
    }
    activator.pushCommand({
      variant: {
        case: "scheduleLocalActivity",
        value: {
          seq,
          attempt,
          ...(originalScheduleTime === undefined ? {} : { originalScheduleTime }),
          activityId: `${seq}`,
          activityType,
          arguments: args.map((a) => activator.toPayload(a)),
          ...(options.retry ? { retryPolicy: compileRetryPolicy(options.retry) } : {}),
          scheduleToCloseTimeout: optionalDuration(options.scheduleToCloseTimeout, "scheduleToCloseTimeout"),
          startToCloseTimeout: optionalDuration(options.startToCloseTimeout, "startToCloseTimeout"),
          scheduleToStartTimeout: optionalDuration(options.scheduleToStartTimeout, "scheduleToStartTimeout"),
          localRetryThreshold: optionalDuration(options.localRetryThreshold, "localRetryThreshold"),
          headers,
          cancellationType: CANCELLATION_TYPES[options.cancellationType ?? "TRY_CANCEL"],
        },
      },
      ...userMetadata(activator, options.summary),
    });
    activator.completions.activity.set(seq, { resolve, reject });
  });
}

/**
 * Local activity functions as a typed object:
 * `const { check } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: "5s" })`.
 */
export function proxyLocalActivities<A = UntypedActivities>(options: LocalActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined) throw new TypeError("options must be defined");
  validateActivityOptions(options);
  if (options.localRetryThreshold !== undefined) msToNumber(options.localRetryThreshold, "localRetryThreshold");
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, activityType) {
      if (typeof activityType !== "string") {
        throw new TypeError(`Only strings are supported for Activity types, got: ${String(activityType)}`);
      }
      return (...args: unknown[]) => scheduleLocalActivity(activityType, args, options);
    },
  });
}

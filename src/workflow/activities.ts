import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { ActivityCancellationType as ProtoCancellationType } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { compileRetryPolicy, type RetryPolicy } from "../client/retry-policy.ts";
import { type Duration, msToNumber } from "../common/duration.ts";
import { CancellationScope } from "./cancellation-scope.ts";
import type { Activator } from "./activator.ts";
import { getActivator } from "./context.ts";
import { type ActivityInput, composeInterceptors } from "./interceptors.ts";
import { userMetadata } from "./user-metadata.ts";

/** How a cancelled activity is reported back to the workflow, as @temporalio/workflow's. */
export const ActivityCancellationType = {
  TRY_CANCEL: "TRY_CANCEL",
  WAIT_CANCELLATION_COMPLETED: "WAIT_CANCELLATION_COMPLETED",
  ABANDON: "ABANDON",
} as const;
export type ActivityCancellationType = (typeof ActivityCancellationType)[keyof typeof ActivityCancellationType];

export interface ActivityOptions {
  activityId?: string;
  /** Defaults to the workflow's task queue. */
  taskQueue?: string;
  scheduleToCloseTimeout?: Duration;
  startToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  heartbeatTimeout?: Duration;
  retry?: RetryPolicy;
  cancellationType?: ActivityCancellationType;
  /** Whether the server may hand the activity straight back to this worker. Default true. */
  allowEagerDispatch?: boolean;
  /** A one-line summary shown for this activity in the UI. */
  summary?: string;
}

export type ActivityFunction = (...args: never[]) => Promise<unknown>;
export type UntypedActivities = Record<string, ActivityFunction>;
export type ActivityInterfaceFor<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

export function quiet(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}

export const CANCELLATION_TYPES: Record<ActivityCancellationType, ProtoCancellationType> = {
  TRY_CANCEL: ProtoCancellationType.TRY_CANCEL,
  WAIT_CANCELLATION_COMPLETED: ProtoCancellationType.WAIT_CANCELLATION_COMPLETED,
  ABANDON: ProtoCancellationType.ABANDON,
};

export function validateActivityOptions(options: ActivityOptions): void {
  if (options.scheduleToCloseTimeout === undefined && options.startToCloseTimeout === undefined) {
    throw new TypeError("Required either scheduleToCloseTimeout or startToCloseTimeout");
  }
}

export function optionalDuration(value: Duration | undefined, field: string) {
  return value === undefined ? undefined : durationFromMs(msToNumber(value, field));
}

/** Schedules an activity by type name; resolves with its result or rejects with an ActivityFailure. */
export function scheduleActivity<R = unknown>(activityType: string, args: unknown[], options: ActivityOptions): Promise<R> {
  const activator = getActivator("scheduleActivity()");
  if (options === undefined) throw new TypeError("Got empty activity options");
  const seq = activator.nextSeqs.activity++;
  const execute = composeInterceptors(activator.interceptors.outbound, "scheduleActivity", (input) => startActivity(activator, input));
  return execute({ activityType, args, options, headers: {}, seq }) as Promise<R>;
}

function startActivity(activator: Activator, { activityType, args, options, headers, seq }: ActivityInput): Promise<unknown> {
  validateActivityOptions(options);
  const activityId = options.activityId ?? `${seq}`;
  return new Promise<unknown>((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch(() => {
          // Already resolved, or never scheduled.
          if (!activator.completions.activity.has(seq)) return;
          activator.pushCommand({ variant: { case: "requestCancelActivity", value: { seq } } });
        }),
      );
    }
    const cancellationType = CANCELLATION_TYPES[options.cancellationType ?? "TRY_CANCEL"];
    activator.pushCommand({
      variant: {
        case: "scheduleActivity",
        value: {
          seq,
          activityId,
          activityType,
          headers,
          arguments: args.map((a) => activator.toPayload(a)),
          ...(options.retry ? { retryPolicy: compileRetryPolicy(options.retry) } : {}),
          taskQueue: options.taskQueue || activator.info.taskQueue,
          heartbeatTimeout: optionalDuration(options.heartbeatTimeout, "heartbeatTimeout"),
          scheduleToCloseTimeout: optionalDuration(options.scheduleToCloseTimeout, "scheduleToCloseTimeout"),
          startToCloseTimeout: optionalDuration(options.startToCloseTimeout, "startToCloseTimeout"),
          scheduleToStartTimeout: optionalDuration(options.scheduleToStartTimeout, "scheduleToStartTimeout"),
          cancellationType,
          doNotEagerlyExecute: !(options.allowEagerDispatch ?? true),
        },
      },
      ...userMetadata(activator, options.summary),
    });
    activator.completions.activity.set(seq, { resolve, reject });
  });
}

/**
 * Activity functions as a typed object: `const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: "1m" })`;
 * each call schedules the activity of that name.
 */
export function proxyActivities<A = UntypedActivities>(options: ActivityOptions): ActivityInterfaceFor<A> {
  if (options === undefined) throw new TypeError("options must be defined");
  validateActivityOptions(options);
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_, activityType) {
      if (typeof activityType !== "string") {
        throw new TypeError(`Only strings are supported for Activity types, got: ${String(activityType)}`);
      }
      return (...args: unknown[]) => scheduleActivity(activityType, args, options);
    },
  });
}

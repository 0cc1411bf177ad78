import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { type Duration, msToNumber } from "../common/duration.ts";
import { CancellationScope } from "./cancellation-scope.ts";
import type { Activator } from "./activator.ts";
import { getActivator } from "./context.ts";
import { composeInterceptors, type TimerInput, type TimerOptions } from "./interceptors.ts";
import { patched } from "./patches.ts";
import { userMetadata } from "./user-metadata.ts";

/** A promise the runtime handles itself: keeps runtimes from reporting it as unhandled. */
function quiet(promise: Promise<unknown>): void {
  promise.catch(() => undefined);
}

/**
 * A durable timer: resolves after `ms` of workflow time (the server fires it,
 * so it survives worker restarts). Cancelling its scope cancels the timer and
 * rejects with a CancelledFailure. `options.summary` is shown in the UI.
 */
export function sleep(ms: Duration, options?: TimerOptions): Promise<void> {
  const activator = getActivator("sleep()");
  const seq = activator.nextSeqs.timer++;
  const durationMs = Math.max(1, msToNumber(ms, "sleep duration"));
  const execute = composeInterceptors(activator.interceptors.outbound, "startTimer", (input) => startTimer(activator, input));
  return execute(options === undefined ? { durationMs, seq } : { durationMs, seq, options });
}

function startTimer(activator: Activator, { seq, durationMs, options }: TimerInput): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch((err: unknown) => {
          // Already fired, or never started.
          if (!activator.completions.timer.delete(seq)) return;
          activator.pushCommand({ variant: { case: "cancelTimer", value: { seq } } });
          reject(err);
        }),
      );
    }
    activator.pushCommand({
      variant: { case: "startTimer", value: { seq, startToFireTimeout: durationFromMs(durationMs) } },
      ...userMetadata(activator, options?.summary),
    });
    activator.completions.timer.set(seq, { resolve: () => resolve(), reject });
  });
}

// The official SDK guards a behaviour change of `condition(fn, 0)` with this patch.
const CONDITION_0_PATCH = "__sdk_internal_patch_number:1";

/**
 * Waits until `fn()` is true, re-evaluated after every job of every
 * activation. With a timeout, resolves `false` when the timeout (a durable
 * timer) comes first, `true` otherwise.
 */
export function condition(fn: () => boolean, timeout: Duration, options?: TimerOptions): Promise<boolean>;
export function condition(fn: () => boolean): Promise<void>;
export async function condition(fn: () => boolean, timeout?: Duration, options?: TimerOptions): Promise<void | boolean> {
  getActivator("condition()");
  if (timeout === 0 && !patched(CONDITION_0_PATCH)) return waitFor(fn);
  if (typeof timeout === "number" || typeof timeout === "string") {
    return CancellationScope.cancellable(async () => {
      try {
        return await Promise.race([sleep(timeout, options).then(() => false), waitFor(fn).then(() => true)]);
      } finally {
        CancellationScope.current().cancel();
      }
    });
  }
  return waitFor(fn);
}

function waitFor(fn: () => boolean): Promise<void> {
  const activator = getActivator("condition()");
  return new Promise<void>((resolve, reject) => {
    const scope = CancellationScope.current();
    if (scope.consideredCancelled) {
      quiet(scope.cancelRequested.catch(reject));
      return;
    }
    const seq = activator.nextSeqs.condition++;
    if (scope.cancellable) {
      quiet(
        scope.cancelRequested.catch((err: unknown) => {
          activator.blockedConditions.delete(seq);
          reject(err);
        }),
      );
    }
    if (fn()) {
      resolve();
      return;
    }
    activator.blockedConditions.set(seq, { fn, resolve });
  });
}

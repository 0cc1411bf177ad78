import { sleep } from "../../common/backoff.ts";

/**
 * Spaces task starts evenly at no more than `perSecond` a second (burst of
 * one), as sdk-core's `max_worker_activities_per_second` does: two tasks at
 * 2/s are half a second apart, never back to back.
 */
export interface RateLimiter {
  /** Resolves when the next start is allowed; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  if (!(perSecond > 0) || !Number.isFinite(perSecond)) {
    throw new RangeError(`rate must be a positive number of tasks per second, got ${perSecond}`);
  }
  const intervalMs = 1000 / perSecond;
  let nextAllowed = Number.NEGATIVE_INFINITY;
  return {
    async acquire(signal) {
      const t = now();
      // Reserve the next free instant before waiting, so concurrent callers queue up.
      const at = Math.max(t, nextAllowed);
      nextAllowed = at + intervalMs;
      if (at > t) {
        try {
          await sleep(at - t, signal);
        } catch (err) {
          // Nothing was started: give the reservation back if it is still the last one.
          if (nextAllowed === at + intervalMs) nextAllowed = at;
          throw err;
        }
      }
    },
  };
}

/**
 * Exponential backoff with full-range jitter, as Temporal's SDKs use for RPC
 * retries and poller errors.
 */
export interface BackoffOptions {
  /** Delay before the first retry, in milliseconds. */
  initialMs: number;
  /** Growth factor between attempts. */
  multiplier: number;
  /** Upper bound of a single delay, in milliseconds. */
  maxMs: number;
  /** Fraction of the delay randomised either side (0.2 = ±20 %). */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 100, multiplier: 1.7, maxMs: 5_000, jitter: 0.2 };

/** ResourceExhausted means the server asks us to slow down: start higher. */
export const resourceExhaustedBackoff: BackoffOptions = { initialMs: 1_000, multiplier: 1.7, maxMs: 10_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(options: BackoffOptions, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(options.maxMs, options.initialMs * options.multiplier ** Math.max(0, attempt - 1));
  const spread = base * options.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** A sleep that ends early, rejecting with the signal's reason, when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

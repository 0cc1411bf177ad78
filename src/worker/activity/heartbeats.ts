/**
 * Heartbeat throttling for one running activity, with sdk-core's rules: the
 * first heartbeat goes out at once; later ones within the throttle interval
 * only replace the pending details, which are sent when the interval ends;
 * an interval with nothing new ends the cycle, so the next heartbeat is sent
 * at once again. `flush()` sends whatever is still pending (the last details
 * must reach the server before the activity's completion).
 */
export interface HeartbeatThrottle {
  record(details: unknown): void;
  /** Sends pending details (waiting for a send in flight first); no further sends after it. */
  flush(): Promise<void>;
  /** Drops pending details and stops; for activities the server no longer knows. */
  close(): void;
}

export interface HeartbeatThrottleOptions {
  intervalMs: number;
  /** One RecordActivityTaskHeartbeat; must not reject (it reports its own errors). */
  send(details: unknown): Promise<void>;
}

/**
 * The interval sdk-core uses: 0.8 × the heartbeat timeout, capped at
 * `maxMs`; `defaultMs` when the activity has no heartbeat timeout (which
 * servers may send as 0).
 */
export function heartbeatThrottleInterval(heartbeatTimeoutMs: number | undefined, maxMs: number, defaultMs: number): number {
  const base = heartbeatTimeoutMs === undefined || heartbeatTimeoutMs === 0 ? defaultMs : heartbeatTimeoutMs * 0.8;
  return Math.min(base, maxMs);
}

export function createHeartbeatThrottle(options: HeartbeatThrottleOptions): HeartbeatThrottle {
  let pending: { details: unknown } | undefined;
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const sendNow = (details: unknown) => {
    const startedAt = Date.now();
    const sending = options.send(details).then(() => {
      if (inFlight === sending) inFlight = undefined;
      if (closed) return;
      timer = setTimeout(onIntervalEnd, Math.max(0, options.intervalMs - (Date.now() - startedAt)));
    });
    inFlight = sending;
  };

  const onIntervalEnd = () => {
    timer = undefined;
    if (closed || pending === undefined) return;
    const { details } = pending;
    pending = undefined;
    sendNow(details);
  };

  return {
    record(details) {
      if (closed) return;
      if (inFlight === undefined && timer === undefined) sendNow(details);
      else pending = { details };
    },
    async flush() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
      if (pending !== undefined) {
        const { details } = pending;
        pending = undefined;
        await options.send(details);
      }
    },
    close() {
      closed = true;
      pending = undefined;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

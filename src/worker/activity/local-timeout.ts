import type { Info } from "../../activity/info.ts";

/**
 * The worker's own deadline for a running activity, as sdk-core keeps one:
 * the smaller of the heartbeat and start-to-close timeouts plus a buffer (so
 * the server, which owns the real timeout, normally acts first). A heartbeat
 * timeout restarts with every heartbeat sent. When it fires, the activity is
 * cancelled with TIMED_OUT even if it never heartbeats.
 */
export interface LocalTimeout {
  /** A heartbeat report completed: restart a heartbeat deadline. */
  heartbeatSent(): void;
  stop(): void;
}

export function startLocalTimeout(info: Info, bufferMs: number, onTimeout: () => void): LocalTimeout {
  const heartbeat = info.heartbeatTimeoutMs || 0;
  const startToClose = info.startToCloseTimeoutMs || 0;
  const candidates = [heartbeat, startToClose].filter((ms) => ms > 0);
  if (candidates.length === 0) return { heartbeatSent() {}, stop() {} };
  const timeoutMs = Math.min(...candidates);
  const resettable = heartbeat > 0 && heartbeat === timeoutMs;
  let stopped = false;
  let timer = setTimeout(onTimeout, timeoutMs + bufferMs);
  return {
    heartbeatSent() {
      if (!resettable || stopped) return;
      clearTimeout(timer);
      timer = setTimeout(onTimeout, timeoutMs + bufferMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/**
 * Server time. Every timestamp the dev server writes and every durable timer
 * it runs (user timers, timeouts, retry backoff) goes through a Clock, so the
 * time-skipping clock can move time forward when nothing is outstanding.
 */
export interface Clock {
  /** Milliseconds since the epoch, as the server sees it. */
  now(): number;
  /**
   * Runs `fire` at server time `atMs`. `skippable` timers are the ones time
   * skipping may jump to (user timers, workflow timeouts, retry backoff);
   * timeouts of tasks a worker holds are not, since the worker runs in real time.
   * Returns a function that cancels the timer.
   */
  schedule(atMs: number, fire: () => void, skippable: boolean): () => void;
  /** Tells the clock that the server's state changed (time skipping re-checks idleness). */
  poke(): void;
  /** Cancels every timer (server shutdown). */
  close(): void;
}

/** setTimeout's limit (about 24.8 days); longer timers wait in steps. */
const maxDelayMs = 2 ** 31 - 1;

/** The wall clock. */
export function createRealClock(): Clock {
  const timers = new Set<{ handle: ReturnType<typeof setTimeout> }>();
  return {
    now: () => Date.now(),
    schedule(atMs, fire) {
      const timer = { handle: undefined as unknown as ReturnType<typeof setTimeout> };
      const arm = () => {
        const delay = atMs - Date.now();
        timer.handle = setTimeout(
          () => {
            if (atMs > Date.now()) return arm();
            timers.delete(timer);
            fire();
          },
          Math.min(maxDelayMs, Math.max(0, delay)),
        );
      };
      arm();
      timers.add(timer);
      return () => {
        clearTimeout(timer.handle);
        timers.delete(timer);
      };
    },
    poke() {},
    close() {
      for (const t of timers) clearTimeout(t.handle);
      timers.clear();
    },
  };
}

interface VirtualTimer {
  atMs: number;
  fire: () => void;
  skippable: boolean;
  handle: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A clock that runs at wall-clock speed but jumps ahead to the next skippable
 * timer whenever `isIdle()` says no task is outstanding, like the official
 * time-skipping test server: a workflow sleeping a day finishes at once.
 */
export function createVirtualClock(isIdle: () => boolean): Clock {
  let offset = 0;
  let checkPending = false;
  let closed = false;
  const timers = new Set<VirtualTimer>();
  const now = () => Date.now() + offset;

  const run = (timer: VirtualTimer) => {
    if (!timers.delete(timer)) return;
    clearTimeout(timer.handle);
    timer.fire();
  };
  const arm = (timer: VirtualTimer) => {
    clearTimeout(timer.handle);
    timer.handle = setTimeout(
      () => (timer.atMs > now() ? arm(timer) : run(timer)),
      Math.min(maxDelayMs, Math.max(0, timer.atMs - now())),
    );
  };
  const check = () => {
    checkPending = false;
    if (closed || !isIdle()) return;
    let next: VirtualTimer | undefined;
    for (const t of timers) if (t.skippable && (next === undefined || t.atMs < next.atMs)) next = t;
    if (next === undefined) return;
    if (next.atMs > now()) offset += next.atMs - now();
    // Timers due by the new time fire in time order; the rest are re-armed
    // against the moved clock.
    const due = [...timers].filter((t) => t.atMs <= now()).sort((a, b) => a.atMs - b.atMs);
    for (const t of due) run(t);
    for (const t of timers) arm(t);
    poke();
  };
  const poke = () => {
    if (checkPending || closed) return;
    checkPending = true;
    // A macrotask, so that a burst of state changes settles before idleness is judged.
    setTimeout(check, 0);
  };
  return {
    now,
    schedule(atMs, fire, skippable) {
      const timer: VirtualTimer = { atMs, fire, skippable, handle: undefined };
      timers.add(timer);
      arm(timer);
      poke();
      return () => {
        clearTimeout(timer.handle);
        timers.delete(timer);
      };
    },
    poke,
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t.handle);
      timers.clear();
    },
  };
}

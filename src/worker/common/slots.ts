/**
 * Task slots: a worker takes one before it polls, so it never accepts a task
 * it has no room to start (sdk-core's "permit" model). The permit travels with
 * the task and is released when the task is finished.
 */
export interface SlotSupplier {
  readonly max: number;
  /** Slots currently taken, by pollers waiting on the server or by running tasks. */
  readonly used: number;
  readonly available: number;
  /** Slots holding a task (not just reserved by a poll in flight): what the slot gauges report. */
  readonly inUse: number;
  /** Waits for a free slot; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<SlotPermit>;
  /**
   * Calls `listener` whenever the slots holding a task change (for the slot
   * gauges). As sdk-core counts them, a slot reserved by a poll in flight is
   * still available: an idle worker reports all its slots available. The
   * listener is called once at once with the current counts.
   */
  onChange(listener: (used: number, available: number) => void): void;
}

export interface SlotPermit {
  /** Marks the slot as holding a task (the poll returned one); later calls do nothing. */
  markUsed(): void;
  /** Gives the slot back; later calls do nothing. */
  release(): void;
}

export function createSlotSupplier(max: number): SlotSupplier {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`slot count must be a positive integer, got ${max}`);
  let used = 0;
  let inUse = 0;
  const waiters: Array<(permit: SlotPermit) => void> = [];
  const listeners: Array<(used: number, available: number) => void> = [];
  const notify = () => {
    for (const listener of listeners) listener(inUse, max - inUse);
  };

  const newPermit = (): SlotPermit => {
    let released = false;
    let holdsTask = false;
    return {
      markUsed() {
        if (released || holdsTask) return;
        holdsTask = true;
        inUse++;
        notify();
      },
      release() {
        if (released) return;
        released = true;
        if (holdsTask) {
          inUse--;
          notify();
        }
        const next = waiters.shift();
        // Hand the slot straight to the next waiter: `used` stays the same.
        if (next) next(newPermit());
        else used--;
      },
    };
  };

  return {
    max,
    get used() {
      return used;
    },
    get available() {
      return max - used;
    },
    get inUse() {
      return inUse;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (used < max) {
        used++;
        return Promise.resolve(newPermit());
      }
      return new Promise<SlotPermit>((resolve, reject) => {
        const onAbort = () => {
          const i = waiters.indexOf(grant);
          if (i >= 0) waiters.splice(i, 1);
          reject(signal?.reason);
        };
        const grant = (permit: SlotPermit) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(permit);
        };
        waiters.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    onChange(listener) {
      listeners.push(listener);
      listener(inUse, max - inUse);
    },
  };
}

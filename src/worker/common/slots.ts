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
  /** Waits for a free slot; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<SlotPermit>;
  /** Calls `listener` whenever `used` changes (for the slots gauges). */
  onChange(listener: (used: number, available: number) => void): void;
}

export interface SlotPermit {
  /** Gives the slot back; later calls do nothing. */
  release(): void;
}

export function createSlotSupplier(max: number): SlotSupplier {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`slot count must be a positive integer, got ${max}`);
  let used = 0;
  const waiters: Array<(permit: SlotPermit) => void> = [];
  const listeners: Array<(used: number, available: number) => void> = [];
  const notify = () => {
    for (const listener of listeners) listener(used, max - used);
  };

  const newPermit = (): SlotPermit => {
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        const next = waiters.shift();
        // Hand the slot straight to the next waiter: `used` stays the same.
        if (next) next(newPermit());
        else {
          used--;
          notify();
        }
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
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (used < max) {
        used++;
        notify();
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
    },
  };
}

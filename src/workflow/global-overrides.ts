// Deterministic globals for workflow code. Installed once per thread; each
// replacement checks whether a workflow run is current (an activation is in
// progress on this thread) and otherwise behaves exactly like the original,
// so code outside workflows (the runtime itself, activities in the same
// thread when running in-process) sees the real clock and randomness.
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { CancellationScope } from "./cancellation-scope.ts";
import { maybeGetActivator } from "./context.ts";
import { DeterminismViolationError } from "./errors.ts";
import { SdkFlag } from "./flags.ts";
import { sleep } from "./timers.ts";

type AnyFunction = (...args: unknown[]) => unknown;
type Constructor = new (...args: unknown[]) => object;

const INSTALLED = Symbol.for("temporal-edge-worker.workflow-globals");

/** The originals, captured before replacement, for the runtime's own use. */
export const originalGlobals = {
  Date: globalThis.Date,
  random: Math.random,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  setImmediate: (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate,
};

function forbid(what: string, instead: string): never {
  throw new DeterminismViolationError(`${what} cannot be used in workflow code: ${instead}`);
}

/** Replaces a global function so that it fails inside workflows and works as before outside. */
function guardFunction(owner: Record<string, unknown>, name: string, instead: string, label = name): void {
  const original = owner[name];
  if (typeof original !== "function") return;
  const guarded = function (this: unknown, ...args: unknown[]) {
    if (maybeGetActivator() !== undefined) forbid(label, instead);
    return (original as AnyFunction).apply(this, args);
  };
  try {
    Object.defineProperty(owner, name, { value: guarded, writable: true, configurable: true });
  } catch {
    // A non-configurable built-in on this runtime: left as it is.
  }
}

function guardConstructor(name: "WeakRef" | "FinalizationRegistry"): void {
  const g = globalThis as unknown as Record<string, Constructor | undefined>;
  const Original = g[name];
  if (Original === undefined) return;
  const Guarded = function (this: unknown, ...args: unknown[]) {
    if (maybeGetActivator() !== undefined) {
      forbid(name, "garbage collection is not deterministic, so its effects cannot be replayed");
    }
    return Reflect.construct(Original, args, new.target ?? Original);
  } as unknown as Constructor;
  Guarded.prototype = Original.prototype;
  g[name] = Guarded;
}

function installDate(): void {
  const OriginalDate = originalGlobals.Date;
  const WorkflowDate = function (this: unknown, ...args: unknown[]) {
    const activator = maybeGetActivator();
    if (!new.target) {
      // `Date()` called as a function returns a string of the current time.
      return new OriginalDate(activator ? activator.now : OriginalDate.now()).toString();
    }
    if (args.length > 0) return Reflect.construct(OriginalDate, args, new.target);
    return Reflect.construct(OriginalDate, [activator ? activator.now : OriginalDate.now()], new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(WorkflowDate, {
    now: { value: () => maybeGetActivator()?.now ?? OriginalDate.now(), writable: true, configurable: true },
    parse: { value: OriginalDate.parse.bind(OriginalDate), writable: true, configurable: true },
    UTC: { value: OriginalDate.UTC.bind(OriginalDate), writable: true, configurable: true },
    prototype: { value: OriginalDate.prototype },
  });
  globalThis.Date = WorkflowDate;
}

function installTimers(): void {
  const timerScopes = new Map<number, CancellationScope>();
  const { setTimeout: originalSetTimeout, clearTimeout: originalClearTimeout } = originalGlobals;
  const workflowSetTimeout = (callback: AnyFunction, ms = 0, ...args: unknown[]): unknown => {
    const activator = maybeGetActivator();
    if (activator === undefined) return originalSetTimeout(callback as () => void, ms, ...args);
    if (typeof callback !== "function") forbid("setTimeout with a string", "pass a function");
    const durationMs = Math.max(1, ms);
    if (activator.hasFlag(SdkFlag.NonCancellableScopesAreShieldedFromPropagation)) {
      // A durable timer in its own scope, so clearTimeout cancels just this timer.
      const seq = activator.nextSeqs.timer;
      const scope = new CancellationScope({ cancellable: true });
      const timer = scope.run(() => sleep(durationMs));
      timer.then(
        () => {
          timerScopes.delete(seq);
          callback(...args);
        },
        () => timerScopes.delete(seq),
      );
      timerScopes.set(seq, scope);
      return seq;
    }
    const seq = activator.nextSeqs.timer++;
    new Promise((resolve, reject) => {
      activator.completions.timer.set(seq, { resolve, reject });
      activator.pushCommand({ variant: { case: "startTimer", value: { seq, startToFireTimeout: durationFromMs(durationMs) } } });
    }).then(
      () => callback(...args),
      () => undefined,
    );
    return seq;
  };
  const workflowClearTimeout = (handle: unknown): void => {
    const activator = maybeGetActivator();
    if (activator === undefined) {
      originalClearTimeout(handle as Parameters<typeof clearTimeout>[0]);
      return;
    }
    const seq = handle as number;
    const scope = timerScopes.get(seq);
    if (scope) {
      timerScopes.delete(seq);
      scope.cancel();
      return;
    }
    // Histories written before the flag: the official SDK's legacy behaviour, sequence bump included.
    activator.nextSeqs.timer++;
    activator.completions.timer.delete(seq);
    activator.pushCommand({ variant: { case: "cancelTimer", value: { seq } } });
  };
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = workflowSetTimeout;
  g.clearTimeout = workflowClearTimeout;
}

/**
 * Installs the workflow globals on this thread (idempotent): `Date` and
 * `Date.now()` give workflow time, `Math.random` the run's seeded PRNG,
 * `setTimeout` a durable timer, and APIs whose results cannot be replayed
 * (`WeakRef`, `FinalizationRegistry`, `setInterval`, `setImmediate`,
 * `crypto.getRandomValues`, `crypto.randomUUID`, `fetch`) throw a
 * DeterminismViolationError inside workflow code.
 */
export function installWorkflowGlobals(): void {
  const g = globalThis as unknown as Record<string | symbol, unknown>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  installDate();
  const originalRandom = originalGlobals.random;
  Math.random = () => {
    const activator = maybeGetActivator();
    return activator ? activator.random() : originalRandom();
  };
  installTimers();
  guardConstructor("WeakRef");
  guardConstructor("FinalizationRegistry");
  guardFunction(g as Record<string, unknown>, "setInterval", "use sleep() in a loop, which is durable");
  guardFunction(g as Record<string, unknown>, "setImmediate", "use `await Promise.resolve()` to yield, or sleep()");
  guardFunction(g as Record<string, unknown>, "fetch", "workflows cannot do I/O; call an activity");
  const crypto = g.crypto as Record<string, unknown> | undefined;
  if (crypto) {
    guardFunction(crypto, "getRandomValues", "use Math.random(), which is seeded from the history", "crypto.getRandomValues");
    guardFunction(crypto, "randomUUID", "use uuid4() from temporal-edge-worker/workflow", "crypto.randomUUID");
  }
}

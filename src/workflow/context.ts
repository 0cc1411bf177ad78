// Where workflow API calls find the run they belong to. Two places, read in
// this order:
// - a synchronous slot, set only while the runtime runs workflow code
//   synchronously (applying jobs, starting the workflow), so nothing else on
//   the thread can run meanwhile;
// - an async-context store entered around that same code, which follows the
//   workflow's own promise callbacks into the drains between steps, but not
//   the unrelated macrotasks (connections, HTTP/2 sessions, activities) that
//   the event loop runs in those drains. Keeping the slot set across a drain
//   is what once handed workflow timers to the connection's call timer.
// Both live on globalThis under a registered symbol so that two copies of
// this module (src/ and dist/, or a bundled workflow) still share them.
import type { AsyncLocalStore } from "../platform/platform.ts";
import type { Activator } from "./activator.ts";
import { IllegalStateError } from "./errors.ts";

interface WorkflowContextSlot {
  activator: Activator | undefined;
  store: AsyncLocalStore<Activator> | undefined;
}

const KEY = Symbol.for("temporal-edge-worker.workflow-context");

function slot(): WorkflowContextSlot {
  const g = globalThis as unknown as Record<symbol, WorkflowContextSlot | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { activator: undefined, store: undefined };
    g[KEY] = s;
  }
  return s;
}

/** Gives the thread its async-context store for runs (the first runtime's; any store works for all). */
export function useActivatorStore(create: () => AsyncLocalStore<Activator>): void {
  const s = slot();
  s.store ??= create();
}

/**
 * Runs `fn` as code of `activator`'s run: it and every promise callback it
 * registers see the run as current; anything else on the thread does not.
 * Calls never nest, so the slot is cleared afterwards rather than restored:
 * an activation interrupted by a deadlock timeout (node:vm terminates it
 * without running `finally` blocks) must not leave its run behind for the
 * next one to restore.
 */
export function runInWorkflowContext<R>(activator: Activator, fn: () => R): R {
  const s = slot();
  s.activator = activator;
  try {
    return s.store ? s.store.run(activator, fn) : fn();
  } finally {
    s.activator = undefined;
  }
}

/** Forgets the current run after an activation was interrupted (its `finally` blocks never ran). */
export function leaveWorkflowContext(): void {
  slot().activator = undefined;
}

export function maybeGetActivator(): Activator | undefined {
  const s = slot();
  return s.activator ?? s.store?.getStore();
}

/** The current run, or an IllegalStateError that says which API was called outside a workflow. */
export function getActivator(api = "This workflow API"): Activator {
  const activator = maybeGetActivator();
  if (activator === undefined) {
    throw new IllegalStateError(
      `${api} may only be used from a workflow execution: call it from workflow code run by the worker, not from activities, clients or module top level`,
    );
  }
  return activator;
}

// Where workflow API calls find the run they belong to. Activations of one
// thread run one at a time and drain their microtasks before the next starts,
// so a single "current run" slot is exact for synchronous calls and for every
// continuation of that run. The slot lives on globalThis under a registered
// symbol so that two copies of this module (src/ and dist/, or a bundled
// workflow) still share it.
import type { Activator } from "./activator.ts";
import { IllegalStateError } from "./errors.ts";

interface WorkflowContextSlot {
  activator: Activator | undefined;
}

const KEY = Symbol.for("temporal-edge-worker.workflow-context");

function slot(): WorkflowContextSlot {
  const g = globalThis as unknown as Record<symbol, WorkflowContextSlot | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = { activator: undefined };
    g[KEY] = s;
  }
  return s;
}

export function setCurrentActivator(activator: Activator | undefined): void {
  slot().activator = activator;
}

export function maybeGetActivator(): Activator | undefined {
  return slot().activator;
}

/** The current run, or an IllegalStateError that says which API was called outside a workflow. */
export function getActivator(api = "This workflow API"): Activator {
  const activator = slot().activator;
  if (activator === undefined) {
    throw new IllegalStateError(
      `${api} may only be used from a workflow execution: call it from workflow code run by the worker, not from activities, clients or module top level`,
    );
  }
  return activator;
}

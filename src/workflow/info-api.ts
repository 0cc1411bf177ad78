import { uuid4From } from "./alea.ts";
import { getActivator, maybeGetActivator } from "./context.ts";
import type { WorkflowInfo } from "./info.ts";

/** Facts about the running workflow. */
export function workflowInfo(): WorkflowInfo {
  return getActivator("workflowInfo()").info;
}

/** Whether the calling code runs inside a workflow execution. */
export function inWorkflowContext(): boolean {
  return maybeGetActivator() !== undefined;
}

/** A version 4 UUID from the workflow's seeded PRNG: the same on every replay (not for secrets). */
export function uuid4(): string {
  const activator = maybeGetActivator();
  return uuid4From(activator ? () => activator.random() : Math.random);
}

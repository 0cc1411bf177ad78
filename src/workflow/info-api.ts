import { uuid4From } from "./alea.ts";
import { getActivator, maybeGetActivator } from "./context.ts";
import type { EnhancedStackTrace } from "./built-in-queries.ts";
import { defineQuery } from "./handlers.ts";
import type { UpdateInfo, WorkflowInfo } from "./info.ts";

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

/** The update whose handler (or validator) is running the calling code, if any. */
export function currentUpdateInfo(): UpdateInfo | undefined {
  return getActivator("currentUpdateInfo()").updateStorage.getStore();
}

/** What the workflow said it is doing (setCurrentDetails); shown by the Temporal UI. */
export function getCurrentDetails(): string {
  return getActivator("getCurrentDetails()").currentDetails;
}

/** Sets a description of what the workflow is doing now, served by the __temporal_workflow_metadata query. */
export function setCurrentDetails(details: string): void {
  getActivator("setCurrentDetails()").currentDetails = details;
}

/** The built-in queries, as definitions a client can use. */
export const stackTraceQuery = defineQuery<string>("__stack_trace");
export const enhancedStackTraceQuery = defineQuery<EnhancedStackTrace>("__enhanced_stack_trace");
export const workflowMetadataQuery = defineQuery<unknown>("__temporal_workflow_metadata");

import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowActivationCompletion } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { LocalActivitySink } from "./local-activity-requests.ts";
import type { WorkflowRun, WorkflowTaskInput, WorkflowTaskResult } from "./workflow-run.ts";

/** The one thing the engine needs from a workflow runtime (src/workflow provides it). */
export interface ActivationRunner {
  activate(activation: WorkflowActivation): Promise<WorkflowActivationCompletion>;
}

export interface DriveOptions {
  /** Sees each activation (tests, tracing). */
  onActivation?: (activation: WorkflowActivation) => void;
  /**
   * Runs local activities. Without it (replay), a task that would have to
   * wait for one ends with what it has: replay resolves them from markers.
   */
  localActivities?: LocalActivitySink;
}

/**
 * Runs one workflow task to its answer: every activation the run produces
 * goes to the runtime and its completion back to the run, local activity
 * requests go to the executor and their results back, until the run has
 * nothing more to ask. A task kept waiting on local activities past 80% of
 * its timeout heartbeats: it completes and asks the server for a new one.
 */
export async function driveWorkflowTask(
  run: WorkflowRun,
  runtime: ActivationRunner,
  task: WorkflowTaskInput,
  options: DriveOptions = {},
): Promise<WorkflowTaskResult> {
  const { onActivation, localActivities } = options;
  run.startTask(task);
  for (;;) {
    const requests = run.takeLocalActivityRequests();
    if (requests.length > 0) localActivities?.dispatch(requests);
    const activation = run.nextActivation();
    if (activation !== undefined) {
      onActivation?.(activation);
      run.complete(await runtime.activate(activation));
      continue;
    }
    if (!run.waitingForLocalActivities || localActivities === undefined) break;
    const resolutions = await localActivities.waitForResolutions(run.runId, run.heartbeatDeadlineMs());
    if (resolutions.length === 0) run.heartbeat();
    for (const r of resolutions) run.resolveLocalActivity(r);
  }
  return run.result();
}

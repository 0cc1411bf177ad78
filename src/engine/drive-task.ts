import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowActivationCompletion } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { WorkflowRun, WorkflowTaskInput, WorkflowTaskResult } from "./workflow-run.ts";

/** The one thing the engine needs from a workflow runtime (src/workflow provides it). */
export interface ActivationRunner {
  activate(activation: WorkflowActivation): Promise<WorkflowActivationCompletion>;
}

/**
 * Runs one workflow task to its answer: every activation the run produces
 * goes to the runtime and its completion back to the run, until the run has
 * nothing more to ask. `onActivation` sees each activation (tests, tracing).
 */
export async function driveWorkflowTask(
  run: WorkflowRun,
  runtime: ActivationRunner,
  task: WorkflowTaskInput,
  onActivation?: (activation: WorkflowActivation) => void,
): Promise<WorkflowTaskResult> {
  run.startTask(task);
  for (let activation = run.nextActivation(); activation !== undefined; activation = run.nextActivation()) {
    onActivation?.(activation);
    run.complete(await runtime.activate(activation));
  }
  return run.result();
}

// sdk-typescript/complete_update_after_workflow_returns_pre1488 and
// sdk-python/test_replayer_command_reordering_backward_compatibility: an
// update handler that finishes only after the main function returned.
import { condition, defineUpdate, setHandler } from "../../../src/workflow/index.ts";

export const doneUpdate = defineUpdate<void>("doneUpdate");
export const myUpdate = defineUpdate<string>("my_update");

export async function canCompleteUpdateAfterWorkflowReturns(): Promise<void> {
  let gotUpdate = false;
  let mainReturned = false;
  setHandler(doneUpdate, async () => {
    gotUpdate = true;
    await condition(() => mainReturned);
  });
  await condition(() => gotUpdate);
  mainReturned = true;
}

export async function UpdateCompletionAfterWorkflowReturn(): Promise<string> {
  let workflowReturned = false;
  setHandler(myUpdate, async () => {
    await condition(() => workflowReturned);
    return "update-result";
  });
  workflowReturned = true;
  return "workflow-result";
}

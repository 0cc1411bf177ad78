import assert from "node:assert/strict";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

// Workflow: getExternalWorkflowHandle("other").cancel(), then return.
const script = (_a: unknown, i: number) => (i === 0 ? [cmd.cancelExternal(1, "other")] : [cmd.complete()]);

for (const [mode, run] of [["task by task", runIncrementally], ["full replay", runFullReplay]] as const) {
  test(`cancel external (${mode}): ExternalWorkflowExecutionCancelRequested resolves the request`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().cancelExternalInitiated(1, "other")
      .externalCancelRequested(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime(script);
    await run(events, runtime);
    const v = runtime.activations[1]?.jobs[0]?.variant;
    assert.ok(v?.case === "resolveRequestCancelExternalWorkflow" && v.value.seq === 1 && v.value.failure === undefined);
  });

  test(`cancel external (${mode}): a failed request resolves with a failure saying why`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().cancelExternalInitiated(1, "other")
      .cancelExternalFailed(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime(script);
    await run(events, runtime);
    const v = runtime.activations[1]?.jobs[0]?.variant;
    assert.ok(v?.case === "resolveRequestCancelExternalWorkflow");
    if (v?.case === "resolveRequestCancelExternalWorkflow") assert.equal(v.value.failure?.message, "Unable to cancel external workflow because it was not found");
  });
}

test("cancel external: a timer where the history has the cancel request is [TMPRL1100]", async () => {
  const events = new HistoryBuilder().start().wftCompleted().cancelExternalInitiated(1, "other").wftScheduledAndStarted().events;
  const result = await runFullReplay(events, new ScriptedRuntime(() => [cmd.startTimer(1)]));
  assert.ok(result.kind === "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*RequestCancelExternalWorkflowExecutionInitiated/);
});

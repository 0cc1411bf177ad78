import assert from "node:assert/strict";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

for (const [mode, run] of [["task by task", runIncrementally], ["full replay", runFullReplay]] as const) {
  test(`continue-as-new (${mode}): the command is matched by WorkflowExecutionContinuedAsNew`, async () => {
    const events = new HistoryBuilder().start().wftCompleted().continuedAsNew().events;
    const runtime = new ScriptedRuntime(() => [cmd.continueAsNew()]);
    const results = await run(events, runtime);
    assert.equal(runtime.activations.length, 1);
    if (mode === "task by task") {
      const first = Array.isArray(results) ? results[0] : undefined;
      const attrs = first?.kind === "completed" ? first.commands[0]?.attributes : undefined;
      assert.ok(attrs?.case === "continueAsNewWorkflowExecutionCommandAttributes");
      if (attrs?.case === "continueAsNewWorkflowExecutionCommandAttributes") assert.equal(attrs.value.workflowType?.name, "testWorkflow", "defaults to the run's own type");
    }
  });

  test(`upsert search attributes and memo (${mode}): fire-and-forget commands matched by their events`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().searchAttributesUpserted().propertiesModified().timerStarted(1)
      .timerFired(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.upsertSearchAttributes(), cmd.upsertMemo(), cmd.startTimer(1)] : [cmd.complete()]));
    await run(events, runtime);
    assert.equal(runtime.activations.length, 2);
  });
}

test("continue-as-new: completing where the history continued as new is [TMPRL1100]", async () => {
  const events = new HistoryBuilder().start().wftCompleted().continuedAsNew().events;
  const result = await runFullReplay(events, new ScriptedRuntime(() => [cmd.complete()]));
  assert.ok(result.kind === "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*WorkflowExecutionContinuedAsNew.*CompleteWorkflowExecution/);
});

test("upsert search attributes: a missing upsert is [TMPRL1100]", async () => {
  const events = new HistoryBuilder().start().wftCompleted().searchAttributesUpserted().timerStarted(1).wftScheduledAndStarted().events;
  const result = await runFullReplay(events, new ScriptedRuntime(() => [cmd.startTimer(1)]));
  assert.ok(result.kind === "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*UpsertWorkflowSearchAttributes/);
});

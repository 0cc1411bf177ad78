import assert from "node:assert/strict";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

// Workflow: signal child "child-1" with "approve", then return.
const signalScript = (_a: unknown, i: number) => (i === 0 ? [cmd.signalChild(1, "child-1")] : [cmd.complete()]);

const signalResult = (a: WorkflowActivation | undefined) => {
  const v = a?.jobs[0]?.variant;
  return v?.case === "resolveSignalExternalWorkflow" ? (v.value.failure?.message ?? "ok") : v?.case;
};

for (const [mode, run] of [["task by task", runIncrementally], ["full replay", runFullReplay]] as const) {
  test(`signal external (${mode}): ExternalWorkflowExecutionSignaled resolves the signal`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().signalExternalInitiated(1, "child-1")
      .externalSignaled(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime(signalScript);
    await run(events, runtime);
    assert.equal(signalResult(runtime.activations[1]), "ok");
  });

  test(`signal external (${mode}): SignalExternalWorkflowExecutionFailed resolves it with a failure`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().signalExternalInitiated(1, "child-1")
      .signalExternalFailed(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime(signalScript);
    await run(events, runtime);
    assert.equal(signalResult(runtime.activations[1]), "Unable to signal external workflow because it was not found");
  });
}

test("signal external: the command targets the child by id, child only, in the run's namespace", async () => {
  const runtime = new ScriptedRuntime(signalScript);
  const [first] = await runIncrementally(new HistoryBuilder().start().events, runtime);
  assert.ok(first?.kind === "completed");
  if (first?.kind !== "completed") return;
  const attrs = first.commands[0]?.attributes;
  assert.equal(attrs?.case, "signalExternalWorkflowExecutionCommandAttributes");
  if (attrs?.case !== "signalExternalWorkflowExecutionCommandAttributes") return;
  assert.equal(attrs.value.execution?.workflowId, "child-1");
  assert.equal(attrs.value.childWorkflowOnly, true);
  assert.equal(attrs.value.signalName, "approve");
});

test("signal external: cancelled before sent, no command leaves and the signal resolves as cancelled", async () => {
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.signalChild(1, "child-1"), cmd.cancelSignal(1)] : []));
  const [first] = await runIncrementally(new HistoryBuilder().start().events, runtime);
  assert.ok(first?.kind === "completed" && first.commands.length === 0);
  assert.equal(signalResult(runtime.activations[1]), "Signal was cancelled before being sent");
});

test("signal external: another signal name than the recorded one is [TMPRL1100]", async () => {
  const events = new HistoryBuilder().start().wftCompleted().signalExternalInitiated(1, "child-1", "approve").externalSignaled(1).wftScheduledAndStarted().events;
  const runtime = new ScriptedRuntime(() => [cmd.signalChild(1, "child-1", "reject")]);
  const result = await runFullReplay(events, runtime);
  assert.ok(result.kind === "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*signal name "approve" differs from the command's "reject"/);
});

import assert from "node:assert/strict";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

// Workflow: executeChild("child-1"), return its result.
const childScript = (_a: unknown, i: number) => (i === 0 ? [cmd.startChild(1, "child-1")] : i === 1 ? [] : [cmd.complete()]);

function childHistory() {
  return new HistoryBuilder()
    .start().wftCompleted().childInitiated("child-1")
    .childStarted("child-1").wftScheduledAndStarted().wftCompleted()
    .childCompleted("child-1").wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
}

const resolution = (a: WorkflowActivation) => {
  const v = a.jobs[0]?.variant;
  if (v?.case === "resolveChildWorkflowExecutionStart") return `start:${v.value.status.case}`;
  if (v?.case === "resolveChildWorkflowExecution") return `result:${v.value.result?.status.case}`;
  return v?.case;
};

for (const [mode, run] of [["task by task", runIncrementally], ["full replay", runFullReplay]] as const) {
  test(`child workflow (${mode}): start resolved by ChildWorkflowExecutionStarted, result by ChildWorkflowExecutionCompleted`, async () => {
    const runtime = new ScriptedRuntime(childScript);
    await run(childHistory(), runtime);
    assert.deepEqual(runtime.activations.map(resolution), ["initializeWorkflow", "start:succeeded", "result:completed"]);
    const start = runtime.activations[1]!.jobs[0]!.variant;
    assert.equal(start.case === "resolveChildWorkflowExecutionStart" && start.value.status.case === "succeeded" ? start.value.status.value.runId : "", "child-1-run");
  });

  test(`child workflow (${mode}): a failed child resolves with a ChildWorkflowFailure naming it`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().childInitiated("child-1")
      .childStarted("child-1").wftScheduledAndStarted().wftCompleted()
      .childFailed("child-1", "boom").wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
    const runtime = new ScriptedRuntime(childScript);
    await run(events, runtime);
    const v = runtime.activations[2]!.jobs[0]!.variant;
    assert.equal(v.case, "resolveChildWorkflowExecution");
    if (v.case !== "resolveChildWorkflowExecution" || v.value.result?.status.case !== "failed") return assert.fail("expected a failed child result");
    const failure = v.value.result.status.value.failure;
    assert.equal(failure?.message, "Child Workflow execution failed");
    assert.equal(failure?.cause?.message, "boom");
    assert.equal(failure?.failureInfo.case, "childWorkflowExecutionFailureInfo");
    if (failure?.failureInfo.case === "childWorkflowExecutionFailureInfo") {
      assert.equal(failure.failureInfo.value.workflowExecution?.workflowId, "child-1");
      assert.equal(failure.failureInfo.value.initiatedEventId, 5n);
    }
  });

  test(`child workflow (${mode}): TRY_CANCEL after start sends RequestCancelExternal (child only) and resolves cancelled at once`, async () => {
    const events = new HistoryBuilder()
      .start().wftCompleted().childInitiated("child-1")
      .childStarted("child-1").wftScheduledAndStarted().wftCompleted().cancelExternalInitiated(1, "child-1", true).workflowCompleted().events;
    const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startChild(1, "child-1")] : i === 1 ? [cmd.cancelChild(1)] : [cmd.complete()]));
    await run(events, runtime);
    assert.deepEqual(runtime.activations.map(resolution), ["initializeWorkflow", "start:succeeded", "result:cancelled"]);
  });
}

test("child workflow: the RequestCancelExternal sent for a cancelled child names it, child only; later cancel events are not news", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().childInitiated("child-1")
    .childStarted("child-1").wftScheduledAndStarted().wftCompleted().cancelExternalInitiated(1, "child-1", true)
    .externalCancelRequested(1).childCanceled("child-1").wftScheduledAndStarted().events;
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startChild(1, "child-1")] : i === 1 ? [cmd.cancelChild(1)] : []));
  const results = await runIncrementally(events, runtime);
  const second = results[1];
  assert.ok(second?.kind === "completed");
  if (second?.kind !== "completed") return;
  const attrs = second.commands[0]?.attributes;
  assert.equal(attrs?.case, "requestCancelExternalWorkflowExecutionCommandAttributes");
  if (attrs?.case === "requestCancelExternalWorkflowExecutionCommandAttributes") {
    assert.equal(attrs.value.childWorkflowOnly, true);
    assert.equal(attrs.value.workflowId, "child-1");
    assert.equal(attrs.value.runId, "child-1-run");
  }
  assert.deepEqual(runtime.activations.map(resolution), ["initializeWorkflow", "start:succeeded", "result:cancelled"]);
  const last = results[2];
  assert.ok(last?.kind === "completed" && last.commands.length === 0, "the last task answers with no commands");
});

test("child workflow: cancelled before its command left, nothing is sent and the start resolves cancelled", async () => {
  const events = new HistoryBuilder().start().events;
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startChild(1, "child-1"), cmd.cancelChild(1)] : []));
  const [result] = await runIncrementally(events, runtime);
  assert.equal(result?.kind, "completed");
  if (result?.kind === "completed") assert.deepEqual(result.commands, []);
  assert.deepEqual(runtime.activations.map(resolution), ["initializeWorkflow", "start:cancelled"]);
});

test("child workflow: a start failure (id already in use) resolves the start as failed", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().childInitiated("child-1").childStartFailed("child-1").wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startChild(1, "child-1")] : [cmd.complete()]));
  await runFullReplay(events, runtime);
  assert.deepEqual(runtime.activations.map(resolution), ["initializeWorkflow", "start:failed"]);
});

test("child workflow: another child id than the recorded one is [TMPRL1100]", async () => {
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startChild(1, "child-2")] : i === 1 ? [] : [cmd.complete()]));
  const result = await runFullReplay(childHistory(), runtime);
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") {
    assert.match(result.error.message, /^\[TMPRL1100\]/);
    assert.match(result.error.message, /child workflow id of the initiated event "child-1" differs from the command's "child-2"/);
  }
});

test("child workflow: the initialize job precedes child resolutions; jobs of one task come in one activation", async () => {
  const runtime = new ScriptedRuntime(childScript);
  await runFullReplay(childHistory(), runtime);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["resolveChildWorkflowExecutionStart"], ["resolveChildWorkflowExecution"]]);
});

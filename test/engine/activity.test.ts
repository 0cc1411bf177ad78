import assert from "node:assert/strict";
import { ActivityCancellationType } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

test("activity: scheduled, completed, result resolves it; both modes", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().activityScheduled(1).activityStarted(1).activityCompleted(1, '"hi"')
    .wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
  const script = (_a: unknown, i: number) => (i === 0 ? [cmd.scheduleActivity(1)] : [cmd.complete()]);
  for (const mode of [runIncrementally, runFullReplay]) {
    const runtime = new ScriptedRuntime(script);
    await mode(events, runtime);
    const resolve = runtime.activations[1]!.jobs[0]!.variant;
    assert.equal(resolve.case, "resolveActivity");
    if (resolve.case === "resolveActivity") {
      assert.equal(resolve.value.seq, 1);
      assert.equal(resolve.value.result?.status.case, "completed");
      if (resolve.value.result?.status.case === "completed") {
        assert.equal(new TextDecoder().decode(resolve.value.result.status.value.result?.data), '"hi"');
      }
    }
  }
});

test("activity: another activity type than recorded is [TMPRL1100] (IdAndTypeDeterminismChecks)", async () => {
  const events = new HistoryBuilder().start().wftCompleted().activityScheduled(1, "greet").events;
  const result = await runFullReplay(events, new ScriptedRuntime(() => [cmd.scheduleActivity(1, "farewell")]));
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*activity type of the scheduled event "greet" differs from the command's "farewell"/);
});

test("activity: without the id/type flag in history (old runs) the type is not checked", async () => {
  const events = new HistoryBuilder().start().wftCompleted({ coreUsedFlags: [] }).activityScheduled(1, "greet")
    .activityStarted(1).activityCompleted(1).wftScheduledAndStarted().wftCompleted({ coreUsedFlags: [] }).workflowCompleted().events;
  const result = await runFullReplay(events, new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.scheduleActivity(1, "farewell")] : [cmd.complete()])));
  assert.notEqual(result.kind, "failed");
});

test("activity TRY_CANCEL: RequestCancelActivityTask sent and resolved cancelled at once, in the same task", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().activityScheduled(1).activityStarted(1)
    .signal("cancel").wftScheduledAndStarted().wftCompleted().activityCancelRequested(1).workflowCompleted().events;
  const script = (_a: unknown, i: number) =>
    i === 0 ? [cmd.scheduleActivity(1, "greet", ActivityCancellationType.TRY_CANCEL)] : i === 1 ? [cmd.cancelActivity(1)] : [cmd.complete()];
  const runtime = new ScriptedRuntime(script);
  await runIncrementally(events, runtime);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["signalWorkflow"], ["resolveActivity"]]);
  const status = runtime.activations[2]!.jobs[0]!.variant;
  assert.ok(status.case === "resolveActivity" && status.value.result?.status.case === "cancelled");
  assert.notEqual((await runFullReplay(events, new ScriptedRuntime(script))).kind, "failed");
});

test("activity WAIT_CANCELLATION_COMPLETED: resolved only when ActivityTaskCanceled is recorded", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().activityScheduled(1).activityStarted(1)
    .signal("cancel").wftScheduledAndStarted().wftCompleted().activityCancelRequested(1)
    .activityCanceled(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
  const script = (_a: unknown, i: number) =>
    i === 0 ? [cmd.scheduleActivity(1, "greet", ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)] : i === 1 ? [cmd.cancelActivity(1)] : [cmd.complete()];
  for (const mode of [runIncrementally, runFullReplay]) {
    const runtime = new ScriptedRuntime(script);
    await mode(events, runtime);
    assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["signalWorkflow"], ["resolveActivity"]]);
  }
});

test("activity ABANDON: no command sent, resolved cancelled in the same task", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().activityScheduled(1).activityStarted(1)
    .signal("cancel").wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
  const script = (_a: unknown, i: number) =>
    i === 0 ? [cmd.scheduleActivity(1, "greet", ActivityCancellationType.ABANDON)] : i === 1 ? [cmd.cancelActivity(1)] : [cmd.complete()];
  for (const mode of [runIncrementally, runFullReplay]) {
    const runtime = new ScriptedRuntime(script);
    await mode(events, runtime);
    assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["signalWorkflow"], ["resolveActivity"]]);
  }
});

test("activity: cancelled before its command left, nothing is sent and it resolves cancelled", async () => {
  const events = new HistoryBuilder().start().wftCompleted().workflowCompleted().events;
  const script = (_a: unknown, i: number) => (i === 0 ? [cmd.scheduleActivity(1), cmd.cancelActivity(1)] : [cmd.complete()]);
  const runtime = new ScriptedRuntime(script);
  await runIncrementally(events, runtime);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["resolveActivity"]]);
});

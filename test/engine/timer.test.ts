import assert from "node:assert/strict";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

// Workflow: sleep(1s), then return.
const timerScript = (_a: unknown, i: number) => (i === 0 ? [cmd.startTimer(1)] : [cmd.complete()]);

function timerHistory() {
  return new HistoryBuilder().start().wftCompleted().timerStarted(1).timerFired(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
}

test("timer: task by task, commands equal the recorded events and FireTimer resolves it", async () => {
  const runtime = new ScriptedRuntime(timerScript);
  await runIncrementally(timerHistory(), runtime);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["fireTimer"]]);
  assert.equal(runtime.activations[1]!.isReplaying, false);
});

test("timer: full replay gives the same activations, marked as replaying", async () => {
  const runtime = new ScriptedRuntime(timerScript);
  const result = await runFullReplay(timerHistory(), runtime);
  assert.equal(result.kind, "none", "a closed run has nothing to send");
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["fireTimer"]]);
  assert.ok(runtime.activations.every((a) => a.isReplaying));
});

test("timer: workflow time is the WorkflowTaskStarted time of each task", async () => {
  const events = timerHistory();
  const runtime = new ScriptedRuntime(timerScript);
  await runFullReplay(events, runtime);
  assert.deepEqual(
    runtime.activations.map((a) => a.timestamp?.seconds),
    [events[2]!.eventTime?.seconds, events[7]!.eventTime?.seconds],
  );
});

test("timer: a different command than the recorded TimerStarted is [TMPRL1100] with event id and type", async () => {
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.scheduleActivity(1)] : [cmd.complete()]));
  const result = await runFullReplay(timerHistory(), runtime);
  assert.equal(result.kind, "failed");
  if (result.kind !== "failed") return;
  assert.match(result.error.message, /^\[TMPRL1100\]/);
  assert.match(result.error.message, /workflow type "testWorkflow"/);
  assert.match(result.error.message, /event 5/);
  assert.match(result.error.message, /TimerStarted/);
  assert.match(result.error.message, /ScheduleActivityTask\(seq 1, type "greet"/);
});

test("timer: a recorded command the code no longer issues is [TMPRL1100]", async () => {
  const runtime = new ScriptedRuntime(() => []);
  const result = await runFullReplay(timerHistory(), runtime);
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*TimerStarted.*issued no command/);
});

test("timer: cancelled in the activation that started it, the StartTimer never leaves", async () => {
  const events = new HistoryBuilder().start().wftCompleted().workflowCompleted().events;
  const script = () => [cmd.startTimer(1), cmd.cancelTimer(1), cmd.complete()];
  await runIncrementally(events, new ScriptedRuntime(script));
  const replay = await runFullReplay(events, new ScriptedRuntime(script));
  assert.notEqual(replay.kind, "failed");
});

test("timer: cancelled after it started sends CancelTimer, matched by TimerCanceled", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().timerStarted(1)
    .signal("stop").wftScheduledAndStarted().wftCompleted().timerCanceled(1).workflowCompleted().events;
  const script = (_a: unknown, i: number) => (i === 0 ? [cmd.startTimer(1)] : [cmd.cancelTimer(1), cmd.complete()]);
  const runtime = new ScriptedRuntime(script);
  await runIncrementally(events, runtime);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["signalWorkflow"]]);
  assert.notEqual((await runFullReplay(events, new ScriptedRuntime(script))).kind, "failed");
});

test("timer: a TimerFired with another timer id is [TMPRL1100]", async () => {
  const events = timerHistory();
  const fired = events[5]!;
  if (fired.attributes.case === "timerFiredEventAttributes") fired.attributes.value.timerId = "7";
  const result = await runFullReplay(events, new ScriptedRuntime(timerScript));
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*timer id "7"/);
});

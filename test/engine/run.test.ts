import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { QueryResultType } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { WorkflowQuerySchema } from "../../gen/temporal/api/query/v1/message_pb.ts";
import { driveWorkflowTask } from "../../src/engine/drive-task.ts";
import { WorkflowRun } from "../../src/engine/workflow-run.ts";
import { test } from "../harness.ts";
import { HistoryBuilder, jsonPayload } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

const newRun = () => new WorkflowRun({ runId: "r", workflowId: "w", workflowType: "testWorkflow", sdkName: "temporal-edge-worker", sdkVersion: "0.1.0" });

test("jobs are ordered as sdk-core: signals before resolutions, whatever the history order", async () => {
  const events = new HistoryBuilder()
    .start().wftCompleted().timerStarted(1).timerFired(1).signal("a").cancelRequested()
    .wftScheduledAndStarted().wftCompleted().workflowCanceled().events;
  const script = (_a: unknown, i: number) => (i === 0 ? [cmd.startTimer(1)] : [cmd.cancelWorkflow()]);
  const runtime = new ScriptedRuntime(script);
  await runIncrementally(events, runtime);
  assert.deepEqual(jobCases(runtime.activations[1]!), ["signalWorkflow", "fireTimer", "cancelWorkflow"]);
});

test("the first completion records core flags and the SDK name; later ones only what is new", async () => {
  const events = new HistoryBuilder().start().events;
  const run = newRun();
  const runtime = new ScriptedRuntime(() => [cmd.startTimer(1)]);
  const first = await driveWorkflowTask(run, runtime, { events, previousStartedEventId: 0 });
  assert.equal(first.kind, "completed");
  if (first.kind !== "completed") return;
  assert.deepEqual(first.sdkMetadata.coreUsedFlags, [1, 2, 3]);
  assert.equal(first.sdkMetadata.sdkName, "temporal-edge-worker");
  const b = new HistoryBuilder();
  b.start().wftCompleted({ coreUsedFlags: [1, 2, 3], sdkName: "temporal-edge-worker", sdkVersion: "0.1.0" }).timerStarted(1).timerFired(1).wftScheduledAndStarted();
  const second = await driveWorkflowTask(run, new ScriptedRuntime(() => [cmd.complete()]), { events: b.events.slice(3), previousStartedEventId: 3 });
  assert.equal(second.kind, "completed");
  if (second.kind === "completed") {
    assert.deepEqual(second.sdkMetadata.coreUsedFlags, []);
    assert.equal(second.sdkMetadata.sdkName, "");
  }
});

test("in-task queries get their own activation after the work; answers go in queryResults", async () => {
  const events = new HistoryBuilder().start().events;
  const runtime = new ScriptedRuntime((a) =>
    a.jobs[0]?.variant.case === "queryWorkflow"
      ? [{ variant: { case: "respondToQuery", value: { queryId: "q1", variant: { case: "succeeded", value: { response: jsonPayload("42") } } } } }]
      : [cmd.startTimer(1)],
  );
  const result = await driveWorkflowTask(newRun(), runtime, {
    events,
    previousStartedEventId: 0,
    queries: { q1: create(WorkflowQuerySchema, { queryType: "state" }) },
  });
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["queryWorkflow"]]);
  assert.equal(result.kind, "completed");
  if (result.kind === "completed") {
    assert.equal(result.commands.length, 1);
    assert.equal(result.queryResults.q1?.resultType, QueryResultType.ANSWERED);
  }
});

test("a legacy query task replays, then answers the query alone", async () => {
  const events = new HistoryBuilder().start().wftCompleted().timerStarted(1).events;
  const runtime = new ScriptedRuntime((a) =>
    a.jobs[0]?.variant.case === "queryWorkflow"
      ? [{ variant: { case: "respondToQuery", value: { queryId: "legacy_query", variant: { case: "succeeded", value: { response: jsonPayload("1") } } } } }]
      : [cmd.startTimer(1)],
  );
  const result = await driveWorkflowTask(newRun(), runtime, {
    events,
    previousStartedEventId: 3,
    legacyQuery: create(WorkflowQuerySchema, { queryType: "state" }),
  });
  assert.equal(result.kind, "legacyQuery");
  assert.ok(runtime.activations[1]!.isReplaying);
});

test("failed and timed-out workflow tasks do not end a sequence; a reset sends a new random seed", async () => {
  const events = new HistoryBuilder()
    .start().wftFailed(WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE)
    .wftScheduledAndStarted().wftTimedOut()
    .wftScheduledAndStarted().wftFailed(WorkflowTaskFailedCause.RESET_WORKFLOW, "new-run-id")
    .wftScheduledAndStarted().wftCompleted().timerStarted(1).events;
  const runtime = new ScriptedRuntime(() => [cmd.startTimer(1)]);
  const result = await runFullReplay(events, runtime);
  assert.notEqual(result.kind, "failed");
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow", "updateRandomSeed"]]);
  const init = runtime.activations[0]!.jobs[0]!.variant;
  const update = runtime.activations[0]!.jobs[1]!.variant;
  assert.ok(init.case === "initializeWorkflow" && update.case === "updateRandomSeed");
  assert.notEqual(init.value.randomnessSeed, update.value.randomnessSeed);
});

test("a failed activation fails the task with the runtime's failure, reported on attempt 1 only", async () => {
  const events = new HistoryBuilder().start().events;
  const failing = {
    activate: async () =>
      create((await import("../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts")).WorkflowActivationCompletionSchema, {
        status: { case: "failed", value: { failure: { message: "boom" } } },
      }),
  };
  const first = await driveWorkflowTask(newRun(), failing, { events, previousStartedEventId: 0, attempt: 1 });
  const retry = await driveWorkflowTask(newRun(), failing, { events, previousStartedEventId: 0, attempt: 2 });
  assert.ok(first.kind === "failed" && first.report && first.cause === WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE);
  assert.ok(retry.kind === "failed" && !retry.report);
});

test("nondeterminism fails the task with cause NON_DETERMINISTIC_ERROR and asks for eviction", async () => {
  const events = new HistoryBuilder().start().wftCompleted().timerStarted(1).timerFired(1).wftScheduledAndStarted().events;
  const run = newRun();
  const result = await driveWorkflowTask(run, new ScriptedRuntime(() => [cmd.scheduleActivity(1)]), { events, previousStartedEventId: 3 });
  assert.ok(result.kind === "failed" && result.cause === WorkflowTaskFailedCause.NON_DETERMINISTIC_ERROR);
  assert.ok(run.needsEviction);
  assert.equal(run.evictionActivation("nondeterminism").jobs[0]?.variant.case, "removeFromCache");
});

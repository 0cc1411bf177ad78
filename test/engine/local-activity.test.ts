import assert from "node:assert/strict";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { driveWorkflowTask } from "../../src/engine/drive-task.ts";
import type { LocalActivityRequest, LocalActivityResolution, LocalActivitySink } from "../../src/engine/local-activity-requests.ts";
import { jsonPayload as payloadOf, localActivityMarkerDetails } from "../../src/engine/markers.ts";
import { WorkflowRun } from "../../src/engine/workflow-run.ts";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, ScriptedRuntime } from "./scenario.ts";

type CommandInit = ReturnType<typeof cmd.complete>;
const scheduleLa = (seq: number, cancellationType = 0): CommandInit => ({
  variant: { case: "scheduleLocalActivity", value: { seq, activityId: String(seq), activityType: "check", attempt: 1, cancellationType, startToCloseTimeout: { seconds: 5n } } },
});
const cancelLa = (seq: number): CommandInit => ({ variant: { case: "requestCancelLocalActivity", value: { seq } } });
const newRun = () => new WorkflowRun({ runId: "r", workflowId: "w", workflowType: "testWorkflow", sdkName: "temporal-edge-worker", sdkVersion: "0.1.0" });

/** An executor whose results the test releases by hand; an empty wait means the heartbeat deadline passed. */
class ManualSink implements LocalActivitySink {
  readonly requests: LocalActivityRequest[] = [];
  pending: LocalActivityResolution[] = [];
  dispatch(requests: readonly LocalActivityRequest[]): void {
    this.requests.push(...requests);
  }
  async waitForResolutions(): Promise<LocalActivityResolution[]> {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

const done = (seq: number): LocalActivityResolution => ({ seq, attempt: 1, runtimeMs: 1500, outcome: { case: "completed", result: payloadOf("ok") } });

test("local activity: the task waits for it, then records a core_local_activity marker in sdk-core's format", async () => {
  const sink = new ManualSink();
  sink.pending = [done(1)];
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [scheduleLa(1)] : [cmd.complete()]));
  const result = await driveWorkflowTask(newRun(), runtime, { events: new HistoryBuilder().start().events, previousStartedEventId: 0 }, { localActivities: sink });
  assert.deepEqual(sink.requests.map((r) => r.kind), ["start"]);
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["resolveActivity"]]);
  assert.ok(result.kind === "completed");
  if (result.kind !== "completed") return;
  assert.deepEqual(result.commands.map((c) => c.commandType), [CommandType.RECORD_MARKER, CommandType.COMPLETE_WORKFLOW_EXECUTION]);
  const marker = result.commands[0]!.attributes;
  assert.ok(marker.case === "recordMarkerCommandAttributes");
  assert.equal(marker.value.markerName, "core_local_activity");
  const data = new TextDecoder().decode(marker.value.details.data?.payloads[0]?.data);
  assert.match(data, /^\{"seq":1,"attempt":1,"activity_id":"1","activity_type":"check","complete_time":\{"seconds":\d+,"nanos":\d+\},"backoff":null,"original_schedule_time":/);
  assert.equal(new TextDecoder().decode(marker.value.details.result?.payloads[0]?.data), '"ok"');
  // Workflow time moved by the activity's runtime.
  const started = runtime.activations[0]!.timestamp!;
  assert.equal(Number(runtime.activations[1]!.timestamp!.seconds - started.seconds), 1);
});

test("local activity: still running at the deadline, the task heartbeats; the result opens the next task", async () => {
  const sink = new ManualSink();
  const run = newRun();
  const b = new HistoryBuilder().start();
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [scheduleLa(1)] : [cmd.complete()]));
  const first = await driveWorkflowTask(run, runtime, { events: b.events, previousStartedEventId: 0 }, { localActivities: sink });
  assert.ok(first.kind === "completed" && first.forceCreateNewWorkflowTask && first.commands.length === 0, "heartbeat completion");
  // The server's new task arrives; the result comes while it waits.
  b.wftCompleted().wftScheduledAndStarted();
  sink.pending = [done(1)];
  const second = await driveWorkflowTask(run, runtime, { events: b.events.slice(3), previousStartedEventId: 3 }, { localActivities: sink });
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["resolveActivity"]]);
  assert.ok(second.kind === "completed" && !second.forceCreateNewWorkflowTask);
  if (second.kind === "completed") assert.deepEqual(second.commands.map((c) => c.commandType), [CommandType.RECORD_MARKER, CommandType.COMPLETE_WORKFLOW_EXECUTION]);
});

test("local activity: TRY_CANCEL resolves cancelled at once, asks the executor to stop, and still records a marker", async () => {
  const sink = new ManualSink();
  const runtime = new ScriptedRuntime((a, i) => {
    if (i === 0) return [scheduleLa(1), cancelLa(1)];
    return a.jobs.some((j) => j.variant.case === "resolveActivity") ? [cmd.complete()] : [];
  });
  const result = await driveWorkflowTask(newRun(), runtime, { events: new HistoryBuilder().start().events, previousStartedEventId: 0 }, { localActivities: sink });
  const resolution = runtime.activations[1]?.jobs[0]?.variant;
  assert.ok(resolution?.case === "resolveActivity" && resolution.value.result?.status.case === "cancelled");
  assert.equal(resolution.value.result?.status.value?.failure?.message, "Local Activity cancelled");
  assert.ok(result.kind === "completed");
  if (result.kind === "completed") assert.deepEqual(result.commands.map((c) => c.commandType), [CommandType.RECORD_MARKER, CommandType.COMPLETE_WORKFLOW_EXECUTION]);
});

function laHistory(seq: number, activityType = "check") {
  const b = new HistoryBuilder().start().wftCompleted();
  b.add(EventType.MARKER_RECORDED, {
    case: "markerRecordedEventAttributes",
    value: {
      markerName: "core_local_activity",
      details: localActivityMarkerDetails(
        { seq, attempt: 1, activityId: String(seq), activityType, completeTime: undefined, backoff: undefined, originalScheduleTime: undefined },
        payloadOf("ok"),
      ),
    } as never,
  });
  return b.workflowCompleted().events;
}

test("local activity: on replay the marker resolves it in the same activation, with no request to the executor", async () => {
  const runtime = new ScriptedRuntime((a, i) => (i === 0 ? [scheduleLa(1)] : a.jobs.length > 0 ? [cmd.complete()] : []));
  const result = await runFullReplay(laHistory(1), runtime);
  assert.equal(result.kind, "none");
  assert.deepEqual(runtime.activations.map(jobCases), [["initializeWorkflow"], ["resolveActivity"]]);
});

test("local activity: a marker for an activity the code no longer schedules, or of another type, is [TMPRL1100]", async () => {
  const none = await runFullReplay(laHistory(1), new ScriptedRuntime(() => [cmd.complete()]));
  assert.ok(none.kind === "failed" && /^\[TMPRL1100\].*local activity marker for seq 1/.test(none.error.message));
  const other = await runFullReplay(laHistory(1, "other"), new ScriptedRuntime((a, i) => (i === 0 ? [scheduleLa(1)] : [cmd.complete()])));
  assert.ok(other.kind === "failed" && /^\[TMPRL1100\].*activity type "other" differs/.test(other.error.message), other.kind === "failed" ? other.error.message : other.kind);
});

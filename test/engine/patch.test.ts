import assert from "node:assert/strict";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { patchMarkerDetails } from "../../src/engine/markers.ts";
import { test } from "../harness.ts";
import { HistoryBuilder } from "./history-builder.ts";
import { cmd, jobCases, runFullReplay, runIncrementally, ScriptedRuntime } from "./scenario.ts";

const setPatch = (patchId: string, deprecated = false): CommandInit => ({ variant: { case: "setPatchMarker", value: { patchId, deprecated } } });
type CommandInit = ReturnType<typeof cmd.complete>;

function patchedHistory(deprecated: boolean, withUpsert = true) {
  const b = new HistoryBuilder().start().wftCompleted();
  b.add(EventType.MARKER_RECORDED, { case: "markerRecordedEventAttributes", value: { markerName: "core_patch", details: patchMarkerDetails("fix-1", deprecated) } as never });
  if (withUpsert) {
    b.add(EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, {
      case: "upsertWorkflowSearchAttributesEventAttributes",
      value: { searchAttributes: { indexedFields: { TemporalChangeVersion: { data: new TextEncoder().encode('["fix-1"]') } } } } as never,
    });
  }
  return b.timerStarted(1).timerFired(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
}

// Workflow: if (patched("fix-1")) sleep(1s); return.
const patchedScript = (a: WorkflowActivation, i: number): CommandInit[] =>
  i === 0 ? [...(a.jobs.some((j) => j.variant.case === "notifyHasPatch") || !a.isReplaying ? [setPatch("fix-1")] : []), cmd.startTimer(1)] : [cmd.complete()];

test("patch: new work writes the core_patch marker and the TemporalChangeVersion upsert before the timer", async () => {
  const [first] = await runIncrementally(patchedHistory(false), new ScriptedRuntime(patchedScript));
  assert.ok(first?.kind === "completed");
  if (first?.kind !== "completed") return;
  assert.deepEqual(first.commands.map((c) => c.commandType), [CommandType.RECORD_MARKER, CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, CommandType.START_TIMER]);
  const sa = first.commands[1]!.attributes;
  assert.ok(sa.case === "upsertWorkflowSearchAttributesCommandAttributes");
  const value = sa.value.searchAttributes?.indexedFields.TemporalChangeVersion;
  assert.equal(new TextDecoder().decode(value?.data), '["fix-1"]');
  assert.equal(new TextDecoder().decode(value?.metadata.type), "KeywordList");
});

test("patch: on replay the marker ahead becomes a NotifyHasPatch job in the first activation", async () => {
  const runtime = new ScriptedRuntime(patchedScript);
  assert.notEqual((await runFullReplay(patchedHistory(false), runtime)).kind, "failed");
  assert.deepEqual(jobCases(runtime.activations[0]!), ["initializeWorkflow", "notifyHasPatch"]);
});

test("patch: a deprecated marker the code no longer asks for is skipped with its upsert", async () => {
  const result = await runFullReplay(patchedHistory(true), new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startTimer(1)] : [cmd.complete()])));
  assert.notEqual(result.kind, "failed", result.kind === "failed" ? result.error.message : "");
});

test("patch: a marker the code no longer asks for is [TMPRL1100] naming the patch", async () => {
  const result = await runFullReplay(patchedHistory(false), new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startTimer(1)] : [cmd.complete()])));
  assert.equal(result.kind, "failed");
  if (result.kind === "failed") assert.match(result.error.message, /^\[TMPRL1100\].*patch "fix-1"/);
});

test("patch: a patched() call with no marker in history sends nothing and the timer still matches", async () => {
  const events = new HistoryBuilder().start().wftCompleted().timerStarted(1).timerFired(1).wftScheduledAndStarted().wftCompleted().workflowCompleted().events;
  // A runtime that sends the marker command even when replaying without a NotifyHasPatch (as core's other langs may).
  const result = await runFullReplay(events, new ScriptedRuntime((_a, i) => (i === 0 ? [setPatch("fix-1"), cmd.startTimer(1)] : [cmd.complete()])));
  assert.notEqual(result.kind, "failed", result.kind === "failed" ? result.error.message : "");
});

// sdk-core/evict_while_la_running_no_interference-16, -23 and -85 were
// recorded by a buggy core under stress: their raw endings are broken (a
// duplicated ActivityTaskScheduled, tasks failed as nondeterministic). Like
// sdk-core's own tests (local_activities.rs, weird_la_nondeterminism_repro
// and the two after it), these replay them after replacing the broken ending:
// -85 keeps 20 events and adds a completed task and the workflow's completion;
// -23 keeps 24 events and adds the completion; -16 keeps every event and adds
// a scheduled and started task, so the run ends open.
import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { type History, type HistoryEvent, HistoryEventSchema, HistorySchema } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { eventIdOf } from "../../src/engine/history/events.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime } from "../../src/workflow/index.ts";
import { RecordedLocalActivities, runIncrementally } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as laProblem from "./workflows/la-problem.ts";

const platform = await runtimePlatform();
const ROOT = join(historiesRoot, "sdk-core");

function load(file: string): History {
  const [history] = parseHistories(readFileSync(join(ROOT, file)), file);
  assert.ok(history, `${file} holds no history`);
  return history;
}

/** Appends events the way sdk-core's TestHistoryBuilder does: next id, the last event's time, links to the open task. */
function extend(events: readonly HistoryEvent[], ...kinds: Array<"taskScheduled" | "taskStarted" | "taskCompleted" | "workflowCompleted">): History {
  const out = [...events];
  const last = (type: EventType) => out.findLast((e) => e.eventType === type);
  for (const kind of kinds) {
    const eventId = BigInt(out.length + 1);
    const base = { eventId, eventTime: out.at(-1)?.eventTime };
    const scheduled = last(EventType.WORKFLOW_TASK_SCHEDULED);
    const started = last(EventType.WORKFLOW_TASK_STARTED);
    if (kind === "taskScheduled") {
      out.push(create(HistoryEventSchema, { ...base, eventType: EventType.WORKFLOW_TASK_SCHEDULED, attributes: { case: "workflowTaskScheduledEventAttributes", value: { attempt: 1 } } }));
    } else if (kind === "taskStarted") {
      out.push(create(HistoryEventSchema, { ...base, eventType: EventType.WORKFLOW_TASK_STARTED, attributes: { case: "workflowTaskStartedEventAttributes", value: { scheduledEventId: scheduled!.eventId } } }));
    } else if (kind === "taskCompleted") {
      out.push(
        create(HistoryEventSchema, {
          ...base,
          eventType: EventType.WORKFLOW_TASK_COMPLETED,
          attributes: { case: "workflowTaskCompletedEventAttributes", value: { scheduledEventId: scheduled!.eventId, startedEventId: started!.eventId } },
        }),
      );
    } else {
      const completed = last(EventType.WORKFLOW_TASK_COMPLETED)!;
      out.push(
        create(HistoryEventSchema, {
          ...base,
          eventType: EventType.WORKFLOW_EXECUTION_COMPLETED,
          attributes: { case: "workflowExecutionCompletedEventAttributes", value: { workflowTaskCompletedEventId: completed.eventId } },
        }),
      );
    }
  }
  return create(HistorySchema, { events: out });
}

const fixed: Array<[string, () => History]> = [
  ["evict_while_la_running_no_interference-85_history.json", () => extend(load("evict_while_la_running_no_interference-85_history.json").events.slice(0, 20), "taskCompleted", "workflowCompleted")],
  ["evict_while_la_running_no_interference-23_history.json", () => extend(load("evict_while_la_running_no_interference-23_history.json").events.slice(0, 24), "workflowCompleted")],
  ["evict_while_la_running_no_interference-16_history.json", () => extend(load("evict_while_la_running_no_interference-16_history.json").events, "taskScheduled", "taskStarted")],
];

for (const [file, history] of fixed) {
  test(`replays sdk-core/${file} (ending fixed as upstream) with real workflow code`, async () => {
    await runReplayHistory({ workflows: laProblem, platform, source: file }, history());
  });
  test(`sdk-core/${file} (ending fixed as upstream), task by task, gives exactly the recorded commands`, async (t) => {
    const runtime = createInProcessWorkflowRuntime({ workflows: laProblem, namespace: "default", taskQueue: "replay", createAsyncLocalStorage: platform.createAsyncLocalStorage });
    t.defer(() => runtime.dispose());
    const results = await runIncrementally(history().events, runtime, new RecordedLocalActivities());
    // The last task of -16 is open: as new work, the workflow completes in it.
    const last = results.at(-1);
    assert.equal(last?.kind, "completed");
    if (last.kind === "completed") assert.equal(last.commands.at(-1)?.attributes.case, "completeWorkflowExecutionCommandAttributes");
  });
}

// The raw files as recorded: -16 and -85 end open after tasks that timed out
// or failed, so they replay up to there; -23 records the activity scheduled a
// second time (the core bug it reproduces), where this code completes.
test("raw sdk-core/evict_while_la_running_no_interference-16 and -85 replay up to their open end", async () => {
  for (const file of ["evict_while_la_running_no_interference-16_history.json", "evict_while_la_running_no_interference-85_history.json"]) {
    await runReplayHistory({ workflows: laProblem, platform, source: file }, load(file));
  }
});

test("raw sdk-core/evict_while_la_running_no_interference-23 fails with [TMPRL1100] at its duplicated ActivityTaskScheduled (event 25)", async () => {
  const file = "evict_while_la_running_no_interference-23_history.json";
  const err = await runReplayHistory({ workflows: laProblem, platform, source: file }, load(file)).then(
    () => assert.fail("expected a nondeterminism error"),
    (e: unknown) => e as Error,
  );
  assert.ok(err instanceof DeterminismViolationError, String(err));
  assert.match(err.message, /\[TMPRL1100\].*event 25\b.*ActivityTaskScheduled/);
});

test("the fixed endings keep what matters: -85 and -23 end with the workflow's completion after a completed task, -16 with an open task", () => {
  const types = fixed.map(([, history]) => history().events.slice(-2).map((e) => e.eventType));
  assert.deepEqual(types, [
    [EventType.WORKFLOW_TASK_COMPLETED, EventType.WORKFLOW_EXECUTION_COMPLETED],
    [EventType.WORKFLOW_TASK_COMPLETED, EventType.WORKFLOW_EXECUTION_COMPLETED],
    [EventType.WORKFLOW_TASK_SCHEDULED, EventType.WORKFLOW_TASK_STARTED],
  ]);
  for (const [, history] of fixed) {
    const events = history().events;
    events.forEach((e, i) => assert.equal(eventIdOf(e), i + 1));
  }
});

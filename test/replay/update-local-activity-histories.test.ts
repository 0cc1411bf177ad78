// Real histories with updates, local activities and patch markers, replayed by the
// real workflow runtime: as the replayer does (one task) and task by task,
// where each task's commands must be the recorded ones, update requests
// arrive as poll messages and local activities resolve when their marker
// was recorded (heartbeating otherwise).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule } from "../../src/workflow/index.ts";
import { RecordedLocalActivities, runIncrementally } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as changeMarkers from "./workflows/change-markers.ts";
import * as longLocalActivity from "./workflows/long-local-activity.ts";
import * as signalStartOtel from "./workflows/signal-start-otel.ts";
import * as updateAfterReturn from "./workflows/update-after-return.ts";

const platform = await runtimePlatform();
const ROOT = historiesRoot;

function load(file: string): History {
  const [history] = parseHistories(readFileSync(join(ROOT, file)), file);
  assert.ok(history, `${file} holds no history`);
  return history;
}

const passing: Array<[string, WorkflowModule, { incremental: boolean }]> = [
  // Recorded before core flag 3: the update's completion after the terminal command was dropped.
  ["sdk-typescript/complete_update_after_workflow_returns_pre1488.json", updateAfterReturn, { incremental: false }],
  ["sdk-python/test_replayer_command_reordering_backward_compatibility.json", updateAfterReturn, { incremental: false }],
  ["sdk-typescript/otel_1_13_1.json", signalStartOtel.recordedBy1_13, { incremental: true }],
  ["sdk-typescript/otel_1_11_3.json", signalStartOtel.recordedBy1_11, { incremental: true }],
  ["sdk-core/old_change_marker_format.json", changeMarkers, { incremental: true }],
  ["sdk-core/long_local_activity_with_update-0_history.json", longLocalActivity.workflows, { incremental: true }],
  ["sdk-core/long_local_activity_with_update-1_history.json", longLocalActivity.workflows, { incremental: true }],
  ["sdk-core/long_local_activity_with_update-2_history.json", longLocalActivity.workflows, { incremental: true }],
];

for (const [file, workflows, { incremental }] of passing) {
  test(`replays ${file} with real workflow code`, async () => {
    await runReplayHistory({ workflows, platform, source: file }, load(file));
  });
  if (!incremental) continue;
  test(`${file}, task by task, gives exactly the recorded commands`, async (t) => {
    const runtime = createInProcessWorkflowRuntime({ workflows, namespace: "default", taskQueue: "replay", createAsyncLocalStorage: platform.createAsyncLocalStorage });
    t.defer(() => runtime.dispose());
    await runIncrementally(load(file).events, runtime, new RecordedLocalActivities());
  });
}

// Tier A/B histories of ../shared/histories replayed with workflow code
// written from their descriptions (test/replay/workflows): as the replayer
// does (one task) and task by task, where each task's commands must be the
// command events recorded after it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule } from "../../src/workflow/index.ts";
import { RecordedLocalActivities, runIncrementally } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as coroutinesAfterComplete from "./workflows/coroutines-after-complete.ts";
import * as eventTracing from "./workflows/event-tracing.ts";
import * as multiSignalOrder from "./workflows/multi-signal-order.ts";
import * as multiWaitCondition from "./workflows/multi-wait-condition.ts";
import * as smorgasbord from "./workflows/smorgasbord.ts";
import * as topSecretGreeting from "./workflows/top-secret-greeting.ts";

const platform = await runtimePlatform();
const ROOT = historiesRoot;

function load(file: string): History {
  const [history] = parseHistories(readFileSync(join(ROOT, file)), file);
  assert.ok(history, `${file} holds no history`);
  return history;
}

// `incremental: false` marks histories whose behaviour a flag now gates:
// replayed they keep the old behaviour, new work takes the new one.
const passing: Array<[string, WorkflowModule, { incremental: boolean }]> = [
  ["sdk-typescript/signal_workflow_1_13_1.json", topSecretGreeting, { incremental: true }],
  ["sdk-typescript/otel_smorgasbord_1_13_1.json", smorgasbord.recordedBy1_13_1, { incremental: true }],
  ["sdk-typescript/otel_smorgasbord_1_13_2.json", smorgasbord.recordedBy1_13_2, { incremental: true }],
  ["sdk-python/test_replayer_event_tracing.json", eventTracing, { incremental: true }],
  ["sdk-python/test_replayer_event_tracing_single_batch.json", eventTracing, { incremental: true }],
  ["sdk-python/test_replayer_event_tracing_double_sig_at_start.json", eventTracing, { incremental: true }],
  // Recorded without core flag 3: the update's completion after the workflow's was dropped; new work moves it before.
  ["sdk-dotnet/update-after-complete.pre-dotnet-flag.json", coroutinesAfterComplete.handlersCutOff, { incremental: false }],
  ["sdk-dotnet/update-after-complete.post-dotnet-flag.json", coroutinesAfterComplete.handlersFinishFirst, { incremental: true }],
  ["sdk-dotnet/multi-complete-fail-after.pre-dotnet-flag.json", coroutinesAfterComplete.handlersCutOff, { incremental: true }],
  ["sdk-dotnet/multi-complete-fail-after.post-dotnet-flag.json", coroutinesAfterComplete.handlersCutOff, { incremental: true }],
  ["sdk-dotnet/multi-complete-fail-before.pre-dotnet-flag.json", coroutinesAfterComplete.handlersCutOff, { incremental: true }],
  ["sdk-dotnet/multi-complete-fail-before.post-dotnet-flag.json", coroutinesAfterComplete.handlersCutOff, { incremental: true }],
  ["sdk-dotnet/multi-signal-order.pre-dotnet-flag.json", multiSignalOrder, { incremental: true }],
  ["sdk-dotnet/multi-wait-condition.pre-dotnet-flag.json", multiWaitCondition, { incremental: true }],
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

// Each part of the OpenTelemetry stand-ins is needed: without the 1.13.1
// yields the timer is not first; without the run span's draws the child's id
// is another uuid4.
const withoutPart: Array<[string, WorkflowModule, number]> = [
  ["sdk-typescript/otel_smorgasbord_1_13_1.json", smorgasbord.recordedBy1_13_2, 5],
  ["sdk-typescript/otel_smorgasbord_1_13_2.json", { smorgasbord: smorgasbord.smorgasbord, signalTarget: smorgasbord.signalTarget }, 8],
];

for (const [file, workflows, eventId] of withoutPart) {
  test(`${file} with other interceptors fails with [TMPRL1100] at event ${eventId}`, async () => {
    const err = await runReplayHistory({ workflows, platform, source: file }, load(file)).then(
      () => assert.fail("expected a nondeterminism error"),
      (e: unknown) => e as Error,
    );
    assert.ok(err instanceof DeterminismViolationError, String(err));
    assert.match(err.message, new RegExp(`\\[TMPRL1100\\].*event ${eventId}\\b`));
  });
}

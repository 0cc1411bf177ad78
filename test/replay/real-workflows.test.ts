// The recorded histories of ../shared/histories replayed against workflow
// code written from their descriptions (test/replay/workflows), run by the
// real workflow runtime: once as the replayer does (the whole history in one
// task) and once task by task, where each task's commands must be exactly
// the command events the history recorded after it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistories, runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime, type WorkflowModule } from "../../src/workflow/index.ts";
import { test } from "../harness.ts";
import { runIncrementally } from "../engine/scenario.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as activityAndSignals from "./workflows/activity-and-signals.ts";
import * as cancelFakeProgress from "./workflows/cancel-fake-progress.ts";
import * as langFlags from "./workflows/lang-flags.ts";
import * as quickActivity from "./workflows/quick-activity.ts";
import * as sayHelloDotnet from "./workflows/say-hello-dotnet.ts";
import * as sayHelloPython from "./workflows/say-hello-python.ts";

const platform = await runtimePlatform();
const ROOT = historiesRoot;

function load(file: string): History {
  const [history] = parseHistories(readFileSync(join(ROOT, file)), file);
  assert.ok(history, `${file} holds no history`);
  return history;
}

// `incremental: false` marks histories written by an SDK release whose
// behaviour a flag now gates: replayed they keep the old behaviour, but a
// task handed over as new work takes the new one (that is what flags are for),
// so only the full replay applies.
const passing: Array<[string, WorkflowModule, { incremental: boolean }]> = [
  ["sdk-typescript/cancel_fake_progress_history.json", cancelFakeProgress, { incremental: true }],
  ["sdk-typescript/cancel_fake_progress_history_bin.json", cancelFakeProgress, { incremental: true }],
  ["sdk-typescript/cancel_fake_progress_history_bin.bin", cancelFakeProgress, { incremental: true }],
  ["sdk-typescript/lang_flags_replay_correctly_1_9_3.json", langFlags, { incremental: false }],
  // Written by 1.11.1, which used the flags without recording them: the runtime recognises its build id.
  ["sdk-typescript/lang_flags_replay_correctly_1_11_1.json", langFlags, { incremental: false }],
  ["sdk-python/test_replayer_complete_history.json", sayHelloPython, { incremental: true }],
  ["sdk-python/test_replayer_event_tracing_alternate.json", activityAndSignals, { incremental: true }],
  ["sdk-core/ends_empty_wft_complete.json", sayHelloPython, { incremental: true }],
  ["sdk-dotnet/replayer-test.complete.json", sayHelloDotnet, { incremental: true }],
];

for (const [file, workflows, { incremental }] of passing) {
  test(`replays ${file} with real workflow code`, async () => {
    await runReplayHistory({ workflows, platform, source: file }, load(file));
  });
  if (!incremental) continue;

  test(`${file}, task by task, gives exactly the recorded commands`, async (t) => {
    const runtime = createInProcessWorkflowRuntime({ workflows, namespace: "default", taskQueue: "replay", createAsyncLocalStorage: platform.createAsyncLocalStorage });
    t.defer(() => runtime.dispose());
    await runIncrementally(load(file).events, runtime);
  });
}

// NEGATIVE histories: the code here is what the recording SDK's test ran on
// replay (a timer only when replaying), or code that honours a cancellation
// the recording SDK swallowed. `event` is where the divergence shows.
const negative: Array<[string, WorkflowModule, number]> = [
  ["sdk-python/test_replayer_nondeterministic_history.json", sayHelloPython, 11],
  ["sdk-dotnet/replayer-test.nondeterministic.json", sayHelloDotnet, 11],
  ["sdk-python/test_replayer_swallowed_activity_cancellation.json", quickActivity, 48],
];

for (const [file, workflows, eventId] of negative) {
  test(`NEGATIVE ${file} fails with [TMPRL1100] at event ${eventId}`, async () => {
    const err = await runReplayHistory({ workflows, platform, source: file }, load(file)).then(
      () => assert.fail("expected a nondeterminism error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DeterminismViolationError, String(err));
    assert.ok(err.message.startsWith(`${file}: [TMPRL1100]`), err.message);
    assert.match(err.message, new RegExp(`event ${eventId}\\b`));
  });
}

test("runReplayHistories replays a batch with one runtime and reports each history", async () => {
  const files = ["sdk-python/test_replayer_complete_history.json", "sdk-python/test_replayer_nondeterministic_history.json", "sdk-core/ends_empty_wft_complete.json"];
  const results = [];
  for await (const r of runReplayHistories(
    { workflows: sayHelloPython, platform },
    files.map((source) => ({ source, history: load(source), workflowId: `wf-${source}` })),
  )) {
    results.push(r);
  }
  assert.deepEqual(
    results.map((r) => [r.source, r.workflowId, r.error?.name]),
    [
      [files[0], `wf-${files[0]}`, undefined],
      [files[1], `wf-${files[1]}`, "DeterminismViolationError"],
      [files[2], `wf-${files[2]}`, undefined],
    ],
  );
  const started = load(files[0]!).events[0]!.attributes;
  assert.equal(started.case, "workflowExecutionStartedEventAttributes");
  if (started.case === "workflowExecutionStartedEventAttributes") assert.equal(results[0]!.runId, started.value.originalExecutionRunId);
});

test("a history given as JSON (the shape of `temporal workflow show --output json`) replays like a History message", async () => {
  const json = JSON.parse(readFileSync(join(ROOT, "sdk-python/test_replayer_complete_history.json"), "utf8")) as unknown;
  await runReplayHistory({ workflows: sayHelloPython, platform }, json);
});

test("a workflow type the module does not export fails replay with ReplayError naming the type", async () => {
  const err = await runReplayHistory({ workflows: cancelFakeProgress, platform, source: "hello.json" }, load("sdk-python/test_replayer_complete_history.json")).then(
    () => assert.fail("expected a replay error"),
    (e: unknown) => e as Error,
  );
  assert.equal(err.name, "ReplayError");
  assert.match(err.message, /^hello\.json: .*SayHelloWorkflow/);
});

test("replay options without a platform or with both workflows and workflowsPath are rejected with what to do", async () => {
  const history = load("sdk-python/test_replayer_complete_history.json");
  await assert.rejects(runReplayHistory({ workflows: sayHelloPython }, history), /`platform` is missing/);
  await assert.rejects(runReplayHistory({ workflows: sayHelloPython, workflowsPath: "x.ts", platform }, history), /exactly one of `workflows`/);
});

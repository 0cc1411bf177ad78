import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistories, runReplayHistory } from "../../src/replay/index.ts";
import { cmd, ScriptedRuntime } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";

// The shared corpus sits next to the checkout (see ../shared/histories/INDEX.md).
const ROOT = historiesRoot;
const load = (file: string) => {
  const [history] = parseHistories(readFileSync(`${ROOT}/${file}`), file);
  assert.ok(history);
  return history;
};

// Scripted stand-ins for workflow code, for what real workflow code cannot
// express: the core raw-API histories number their timer 0, while workflow
// code's sequence numbers start at 1. (Real workflow code replays the other
// histories in real-workflows.test.ts.)
const timerZero = () => new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startTimer(0)] : [cmd.complete()]));
const helloActivity = (type: string) => () => new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.scheduleActivity(1, type)] : [cmd.complete()]));
// The "changed" code of the NEGATIVE tests: a timer appears before the activity.
const helloWithExtraTimer = (type: string) => () =>
  new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startTimer(1), cmd.scheduleActivity(2, type)] : [cmd.complete()]));

const passing: Array<[string, () => ScriptedRuntime]> = [
  ["sdk-core/timer_workflow_history.json", timerZero],
  ["sdk-core/timer_workflow_history.bin", timerZero],
  ["sdk-core/fail_wf_task.json", timerZero],
  ["sdk-python/test_replayer_complete_history.json", helloActivity("say_hello")],
  ["sdk-dotnet/replayer-test.complete.json", helloActivity("SayHello")],
  ["sdk-core/ends_empty_wft_complete.json", helloActivity("say_hello")],
];

for (const [file, runtime] of passing) {
  test(`replays ${file}`, async () => {
    await runReplayHistory({ runtime: runtime(), source: file }, load(file));
  });
}

const negative: Array<[string, () => ScriptedRuntime]> = [
  ["sdk-python/test_replayer_nondeterministic_history.json", helloWithExtraTimer("say_hello")],
  ["sdk-dotnet/replayer-test.nondeterministic.json", helloWithExtraTimer("SayHello")],
];

for (const [file, runtime] of negative) {
  test(`NEGATIVE ${file} fails with [TMPRL1100] naming the file`, async () => {
    const err = await runReplayHistory({ runtime: runtime(), source: file }, load(file)).then(
      () => assert.fail("expected a nondeterminism error"),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DeterminismViolationError, String(err));
    assert.ok(err.message.startsWith(`${file}: [TMPRL1100]`), err.message);
    assert.match(err.message, /event 5/);
    assert.equal(err.source, file);
  });
}

test("runReplayHistories reports each history, failures included", async () => {
  const results = [];
  for await (const r of runReplayHistories({ runtime: helloActivity("say_hello")() }, [
    { source: "complete", history: load("sdk-python/test_replayer_complete_history.json") },
    { source: "wrong-type", history: load("sdk-dotnet/replayer-test.complete.json") },
  ])) {
    results.push(r);
  }
  assert.equal(results[0]?.error, undefined);
  assert.ok(results[1]?.error instanceof DeterminismViolationError);
});

test("every stored history parses, in every dialect, JSON and binary alike", () => {
  let files = 0;
  for (const dir of readdirSync(ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(`${ROOT}/${dir.name}`)) {
      if (!name.endsWith(".json") && !name.endsWith(".bin")) continue;
      const histories = parseHistories(readFileSync(`${ROOT}/${dir.name}/${name}`), name);
      assert.ok(histories.length >= 1);
      assert.equal(histories[0]!.events[0]!.eventType, EventType.WORKFLOW_EXECUTION_STARTED, name);
      files++;
    }
  }
  assert.ok(files > 100, `only ${files} history files found`);
});

test("legacy PascalCase enums and numeric ids read like proto3 JSON; .bin equals its .json", () => {
  const legacy = load("sdk-go/sampleHistory.json");
  assert.equal(legacy.events[0]!.eventType, EventType.WORKFLOW_EXECUTION_STARTED);
  assert.equal(legacy.events[1]!.eventId, 2n);
  const bin = load("sdk-core/fail_wf_task.bin");
  const json = load("sdk-core/fail_wf_task.json");
  assert.deepEqual(bin.events.map((e) => e.eventType), json.events.map((e) => e.eventType));
});

test("replay activations carry the build id that completed each recorded task (TS 1.11.0/1.11.1 histories need it for their flags)", async () => {
  const runtime = new ScriptedRuntime((_a, i) => (i === 0 ? [cmd.startTimer(1, 10), cmd.scheduleActivity(1, "noopActivity")] : [cmd.cancelTimer(1), cmd.complete()]));
  await runReplayHistory({ runtime }, load("sdk-typescript/lang_flags_replay_correctly_1_11_1.json"));
  assert.equal(runtime.activations.length, 2);
  for (const a of runtime.activations) {
    assert.match(a.deploymentVersionForCurrentTask?.buildId ?? "", /^@temporalio\/worker@1\.11\.1\+/);
  }
});

test("sdk-typescript/signal_workflow_1_13_1 (child workflow, signal to it, timer) replays with the commands the TypeScript SDK recorded", async () => {
  const child = "1663347e-aa08-4ee5-b426-c23f71678ddd";
  const script = [
    [cmd.startChild(1, child, "topSecretGreetingChild")],
    [cmd.startTimer(1), cmd.signalChild(1, child)],
    [],
    [],
    [cmd.complete()],
  ];
  const runtime = new ScriptedRuntime((_a, i) => script[i] ?? []);
  await runReplayHistory({ runtime, source: "signal_workflow_1_13_1" }, load("sdk-typescript/signal_workflow_1_13_1.json"));
  assert.deepEqual(
    runtime.activations.map((a) => a.jobs.map((j) => j.variant.case)),
    [["initializeWorkflow"], ["resolveChildWorkflowExecutionStart"], ["resolveSignalExternalWorkflow"], ["resolveChildWorkflowExecution"], ["fireTimer"]],
  );
});

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { DeterminismViolationError, runReplayHistories, runReplayHistory } from "../../src/replay/index.ts";
import { cmd, ScriptedRuntime } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { projectRoot } from "../support/paths.ts";

// The shared corpus sits next to the checkout (see ../shared/histories/INDEX.md).
const ROOT = join(projectRoot, "..", "shared", "histories");
const load = (file: string) => {
  const [history] = parseHistories(readFileSync(`${ROOT}/${file}`), file);
  assert.ok(history);
  return history;
};

// Workflow code written from the histories' descriptions, as scripts of
// commands: "single timer, then complete" (core raw-API histories number the
// timer 0) and "one activity say_hello / SayHello, then return its result".
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
  const results = await runReplayHistories({ runtime: helloActivity("say_hello")() }, [
    { source: "complete", history: load("sdk-python/test_replayer_complete_history.json") },
    { source: "wrong-type", history: load("sdk-dotnet/replayer-test.complete.json") },
  ]);
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

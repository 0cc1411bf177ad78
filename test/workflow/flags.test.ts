// SDK flags as the official TypeScript SDK decides them: recorded flags,
// defaults for new work, and for replayed tasks the conditions on the SDK
// that wrote them (the worker build id of TS 1.11.0/1.11.1, which had flag 1
// and 2 behaviour without recording it; the history's last SDK version for
// the OpenTelemetry flags).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime } from "../../src/workflow/index.ts";
import { flagAlternativeConditionHolds, SdkFlag } from "../../src/workflow/flags.ts";
import { type TestContext, test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import { runBuilder, summary } from "./activations.ts";
import * as workflows from "./fixtures/api-workflows.ts";

const platform = await runtimePlatform();

function setup(t: TestContext) {
  const runtime = createInProcessWorkflowRuntime({ workflows, namespace: "default", taskQueue: "tq", createAsyncLocalStorage: platform.createAsyncLocalStorage });
  t.defer(() => runtime.dispose());
  return runtime;
}

/** The second task of langFlagsReplayCorrectly: does the withTimeout timer get cancelled when the activity finishes first? */
async function secondTask(t: TestContext, extra: { isReplaying: boolean; buildId?: string; flags?: number[] }) {
  const rt = setup(t);
  const run = runBuilder("langFlagsReplayCorrectly");
  assert.deepEqual(summary(await rt.activate(run.start(extra))), ["startTimer:1", "scheduleActivity:1:noopActivity"]);
  const done = await rt.activate(run.activation([run.activityCompleted(1, null)], extra));
  assert.equal(done.status.case, "successful");
  return { commands: summary(done), usedFlags: done.status.case === "successful" ? done.status.value.usedInternalFlags : [] };
}

test("new work turns flag 1 on (the scope's timer is cancelled) and records it", async (t) => {
  const { commands, usedFlags } = await secondTask(t, { isReplaying: false });
  assert.deepEqual(commands, ["cancelTimer:1", "completeWorkflowExecution"]);
  assert.ok(usedFlags.includes(1), `used flags ${usedFlags}`);
});

test("replaying a task of TS 1.9.3 (no flags recorded) keeps the old behaviour", async (t) => {
  const { commands } = await secondTask(t, { isReplaying: true, buildId: "@temporalio/worker@1.9.3+16db4f65" });
  assert.deepEqual(commands, ["completeWorkflowExecution"]);
});

test("replaying a task of TS 1.11.1 turns flag 1 on from the build id, without recording it", async (t) => {
  const { commands, usedFlags } = await secondTask(t, { isReplaying: true, buildId: "@temporalio/worker@1.11.1+16db4f65" });
  assert.deepEqual(commands, ["cancelTimer:1", "completeWorkflowExecution"]);
  assert.ok(!usedFlags.includes(1), `used flags ${usedFlags}`);
});

test("replaying with flag 1 recorded uses it whatever the build id", async (t) => {
  const { commands } = await secondTask(t, { isReplaying: true, buildId: "my-build", flags: [1] });
  assert.deepEqual(commands, ["cancelTimer:1", "completeWorkflowExecution"]);
});

test("the OpenTelemetry flags hold for histories last written by an SDK at least as new as the one that added the yield", () => {
  const at = (flag: (typeof SdkFlag)[keyof typeof SdkFlag], sdkVersion: string | undefined) =>
    flagAlternativeConditionHolds(flag, { currentBuildId: "", sdkVersion });
  assert.equal(at(SdkFlag.OpenTelemetryInterceptorsTracesInboundSignals, "1.11.5"), true);
  assert.equal(at(SdkFlag.OpenTelemetryInterceptorsTracesInboundSignals, "1.11.4"), false);
  assert.equal(at(SdkFlag.OpenTelemetryInterceptorsTracesInboundSignals, "1.12.0"), true);
  assert.equal(at(SdkFlag.OpenTelemetryInterceptorsTracesLocalActivities, "1.11.5"), false);
  assert.equal(at(SdkFlag.OpenTelemetryInterceporsAvoidsExtraYields, "1.13.2"), true);
  assert.equal(at(SdkFlag.OpenTelemetryInterceporsAvoidsExtraYields, "2.0.0"), true);
  assert.equal(at(SdkFlag.OpenTelemetryInterceporsAvoidsExtraYields, undefined), false);
  assert.equal(at(SdkFlag.OpenTelemetryInterceptorsInstrumentsAllMethods, "9.9.9"), false);
  assert.equal(at(SdkFlag.NonCancellableScopesAreShieldedFromPropagation, "1.11.1"), false, "flag 1 looks at the build id, not the SDK version");
});

for (const file of ["lang_flags_replay_correctly_1_9_3.json", "lang_flags_replay_correctly_1_11_1.json"]) {
  test(`the recorded history sdk-typescript/${file} replays on this runtime`, async () => {
    const path = join(historiesRoot, "sdk-typescript", file);
    const [history] = parseHistories(readFileSync(path), file);
    assert.ok(history);
    await runReplayHistory({ workflows, platform, source: file }, history);
  });
}

// Workflow threads: the same activations as the in-process runtime, across a
// thread boundary; and the [TMPRL1101] path on every runtime.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createThreadedWorkflowRuntime } from "../../src/workflow/index.ts";
import { type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { failureMessage, resultOf, runBuilder, summary } from "./activations.ts";

const platform = await runtimePlatform();
const workflowsPath = fileURLToPath(new URL(import.meta.url.endsWith(".js") ? "./fixtures/workflows.js" : "./fixtures/workflows.ts", import.meta.url));

function setup(t: TestContext, deadlockTimeoutMs = 2_000) {
  const runtime = createThreadedWorkflowRuntime({
    spawnThread: () => platform.spawnWorkflowThread(),
    workflowsPath,
    namespace: "default",
    taskQueue: "tq",
    deadlockTimeoutMs,
  });
  t.defer(() => runtime.dispose());
  return runtime;
}

test("a run on a workflow thread gives the same commands as in-process", async (t) => {
  const rt = setup(t);
  const run = runBuilder("signalled");
  assert.deepEqual(summary(await rt.activate(run.start())), []);
  assert.deepEqual(summary(await rt.activate(run.activation([run.signal("unblock", "a")]))), []);
  assert.deepEqual(summary(await rt.activate(run.activation([run.query("q", "status")]))), ["respondToQuery:q:succeeded"]);
  assert.deepEqual(resultOf(await rt.activate(run.activation([run.signal("unblock", "b")]))), ["a", "b"]);
});

test("Date.now() on the thread is the activation time while the main thread keeps the real clock", async (t) => {
  const rt = setup(t);
  const run = runBuilder("clock");
  const started = run.now;
  await rt.activate(run.start());
  const fired = run.now;
  assert.deepEqual(resultOf(await rt.activate(run.activation([run.fireTimer(1)]))), [started, started, fired]);
  assert.ok(Date.now() > started + 86_400_000);
});

for (const [name, workflowType, needsTimer] of [
  ["after an await", "spins", true],
  ["before the first await", "spinsAtStart", false],
] as const) {
  test(`an infinite loop ${name} fails its activation with [TMPRL1101]; other runs still complete`, async (t) => {
    const rt = setup(t, 300);
    const stuck = runBuilder(workflowType);
    if (needsTimer) assert.deepEqual(summary(await rt.activate(stuck.start())), ["startTimer:1"]);
    const other = runBuilder("sleeper", { args: [5] });
    const t0 = Date.now();
    const [stuckResult, otherStart] = await Promise.all([
      rt.activate(needsTimer ? stuck.activation([stuck.fireTimer(1)]) : stuck.start()),
      rt.activate(other.start()),
    ]);
    const elapsed = Date.now() - t0;
    assert.match(failureMessage(stuckResult), /^\[TMPRL1101\] Potential deadlock detected: .*did not yield within 300 ms/);
    assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
    // The other run (queued behind the stuck one on the same thread) was replayed from scratch or served.
    const otherCommands = otherStart.status.case === "successful" ? summary(otherStart) : [failureMessage(otherStart)];
    const again = otherCommands[0] === "startTimer:1" ? other.activation([other.fireTimer(1)]) : other.start();
    const rerun = await rt.activate(again);
    const done = summary(rerun)[0] === "startTimer:1" ? await rt.activate(other.activation([other.fireTimer(1)])) : rerun;
    assert.equal(resultOf(done), "slept");
    // A fresh run works after the deadlock.
    assert.deepEqual(summary(await rt.activate(runBuilder("sleeper", { args: [5] }).start())), ["startTimer:1"]);
  });
}

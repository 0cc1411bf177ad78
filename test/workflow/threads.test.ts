// Workflow threads: the same activations as the in-process runtime, across a
// thread boundary; and the [TMPRL1101] path on every runtime.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createThreadedWorkflowRuntime, type ThreadedRuntimeOptions } from "../../src/workflow/index.ts";
import { type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { commandsOf, failureMessage, resultOf, runBuilder, summary } from "./activations.ts";
import { payloadConverter as reversing } from "./fixtures/reversing-converter.ts";

const platform = await runtimePlatform();
/** A fixture module's path, compiled (.js) when the suite runs from dist/ on Node. */
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}${import.meta.url.endsWith(".js") ? ".js" : ".ts"}`, import.meta.url));
const workflowsPath = fixture("workflows");

function setup(t: TestContext, deadlockTimeoutMs = 2_000, extra: Partial<ThreadedRuntimeOptions> = {}) {
  const runtime = createThreadedWorkflowRuntime({
    spawnThread: () => platform.spawnWorkflowThread(),
    workflowsPath,
    namespace: "default",
    taskQueue: "tq",
    deadlockTimeoutMs,
    ...extra,
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

test(
  "a deadlock replaces the thread: its other runs are reported lost, fail with a clear eviction until replayed, then complete",
  async (t) => {
    const lost: Array<[string[], string]> = [];
    const rt = setup(t, 300, { onRunsLost: (runIds, reason) => lost.push([runIds, reason]) });
    const other = runBuilder("sleeper", { args: [5] });
    assert.deepEqual(summary(await rt.activate(other.start())), ["startTimer:1"]);
    const stuck = runBuilder("spinsAtStart");
    const fresh = runBuilder("sleeper", { args: [6] });
    // Posted while the thread spins: `other` has state on the thread and is lost with it; `fresh` starts
    // from scratch, so it goes to the new thread.
    const [stuckResult, otherResult, freshResult] = await Promise.all([
      rt.activate(stuck.start()),
      rt.activate(other.activation([other.fireTimer(1)])),
      rt.activate(fresh.start()),
    ]);
    assert.match(failureMessage(stuckResult), new RegExp(`^\\[TMPRL1101\\] Potential deadlock detected: workflow code of run ${stuck.runId}`));
    assert.match(
      failureMessage(otherResult),
      new RegExp(`Workflow run ${other.runId} was evicted from the workflow runtime: its workflow thread was replaced after run ${stuck.runId} deadlocked`),
    );
    assert.deepEqual(summary(freshResult), ["startTimer:1"]);
    assert.deepEqual(lost.map(([runIds]) => runIds), [[other.runId]]);
    assert.equal(rt.stats.threadsReplaced, 1);
    assert.equal(rt.stats.runsLost, 2, "the stuck run and `other`");

    // Until the engine replays it, the lost run answers with the eviction, without touching a thread.
    assert.match(failureMessage(await rt.activate(other.activation([other.fireTimer(1)]))), /was evicted from the workflow runtime.*replay it from its full history/);
    // Replayed from its start, it runs on the new thread, as does `fresh`.
    assert.deepEqual(summary(await rt.activate(other.start())), ["startTimer:1"]);
    assert.equal(resultOf(await rt.activate(other.activation([other.fireTimer(1)]))), "slept");
    assert.equal(resultOf(await rt.activate(fresh.activation([fresh.fireTimer(1)]))), "slept");
  },
  // Deno cannot terminate a spinning thread; its threads interrupt the stuck activation instead (next test).
  { runtimes: ["node", "bun"] },
);

test(
  "on Deno the thread interrupts the stuck activation and keeps its other runs",
  async (t) => {
    const lost: string[][] = [];
    const rt = setup(t, 300, { onRunsLost: (runIds) => lost.push(runIds) });
    const other = runBuilder("sleeper", { args: [5] });
    assert.deepEqual(summary(await rt.activate(other.start())), ["startTimer:1"]);
    assert.match(failureMessage(await rt.activate(runBuilder("spinsAtStart").start())), /^\[TMPRL1101\]/);
    assert.equal(resultOf(await rt.activate(other.activation([other.fireTimer(1)]))), "slept");
    assert.deepEqual(lost, []);
    assert.equal(rt.stats.threadsReplaced, 0);
  },
  // Only Deno threads run activations under node:vm's timeout (see the Deno adapter's workflow-thread.ts).
  { runtimes: ["deno"] },
);

test("a custom payload converter given by path is loaded in the workflow thread and used for arguments, commands and results", async (t) => {
  const rt = setup(t, 2_000, { payloadConverterPath: fixture("reversing-converter") });
  const run = runBuilder("greeter", { args: ["Ada"] });
  const [schedule] = commandsOf(await rt.activate(run.start()));
  assert.ok(schedule?.variant.case === "scheduleActivity");
  const [argument] = schedule.variant.value.arguments;
  assert.ok(argument);
  assert.equal(new TextDecoder().decode(argument.metadata.encoding), "text/reversed");
  assert.equal(new TextDecoder().decode(argument.data), "adA");
  const done = await rt.activate(
    run.activation([run.job("resolveActivity", { seq: 1, result: { status: { case: "completed", value: { result: reversing.toPayload("Hello, Ada") } } } })]),
  );
  const [complete] = commandsOf(done);
  assert.ok(complete?.variant.case === "completeWorkflowExecution" && complete.variant.value.result);
  assert.equal(new TextDecoder().decode(complete.variant.value.result.data), "adA ,olleH");
  assert.equal(reversing.fromPayload(complete.variant.value.result), "Hello, Ada");
});

test("a converter module without the expected export fails activations with what to export", async (t) => {
  const rt = setup(t, 2_000, { payloadConverterPath: workflowsPath });
  assert.match(failureMessage(await rt.activate(runBuilder("sleeper", { args: [1] }).start())), /must export `payloadConverter` with toPayload and fromPayload methods/);
});

test("a promise rejection workflow code leaves unhandled fails the activation (and the run's later ones), not the thread", async (t) => {
  const rt = setup(t);
  const run = runBuilder("leavesRejectionUnhandled");
  assert.match(failureMessage(await rt.activate(run.start())), /^Unhandled Promise rejection: Error: forgotten/);
  assert.match(failureMessage(await rt.activate(run.activation([run.fireTimer(1)]))), /^Unhandled Promise rejection: Error: forgotten/);
  // The thread goes on serving other runs.
  assert.deepEqual(summary(await rt.activate(runBuilder("sleeper", { args: [1] }).start())), ["startTimer:1"]);
});

test("sink calls made on the thread run on the main thread after the activation; replayed ones only when callDuringReplay", async (t) => {
  const calls: unknown[][] = [];
  const rt = setup(t, 2_000, {
    sinks: {
      audit: {
        record: { fn: (info, event, n) => void calls.push([info.workflowType, info.unsafe.isReplaying, event, n]) },
      },
    },
  });
  const run = runBuilder("audited");
  await rt.activate(run.start());
  assert.deepEqual(calls, [["audited", false, "started", 1]]);
  await rt.activate(run.activation([run.fireTimer(1)]));
  assert.deepEqual(calls.at(-1), ["audited", false, "woke", 2]);

  calls.length = 0;
  const replayed = runBuilder("audited");
  replayed.setReplaying(true);
  await rt.activate(replayed.start());
  assert.deepEqual(calls, [], "calls made while replaying are skipped by default");
});

test("interceptor modules given by path are loaded in the thread and wrap every run", async (t) => {
  const rt = setup(t, 2_000, { interceptorModulePaths: [fixture("intercepted-workflows")] });
  const [schedule] = commandsOf(await rt.activate(runBuilder("greeter", { args: ["Ada"] }).start()));
  assert.ok(schedule?.variant.case === "scheduleActivity");
  assert.equal(new TextDecoder().decode(schedule.variant.value.headers.traced?.data), "yes");
});

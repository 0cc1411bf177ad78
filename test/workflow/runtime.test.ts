// The in-process workflow runtime, fed hand-built activations: the commands
// it returns are what the official TypeScript worker returns for the same
// code and jobs.
import assert from "node:assert/strict";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { LogLevel, LogMetadata } from "../../src/logging/types.ts";
import { createInProcessWorkflowRuntime, type WorkflowRuntime } from "../../src/workflow/index.ts";
import { type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import {
  activityFailure,
  cancelledFailure,
  commandsOf,
  failureMessage,
  fromPayload,
  resultOf,
  runBuilder,
  summary,
  T0,
} from "./activations.ts";
import * as workflows from "./fixtures/workflows.ts";

const platform = await runtimePlatform();

function setup(t: TestContext, extra: { logs?: Array<[LogLevel, string, LogMetadata | undefined]> } = {}): WorkflowRuntime {
  const logs = extra.logs;
  const runtime = createInProcessWorkflowRuntime({
    workflows,
    namespace: "default",
    taskQueue: "tq",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    ...(logs
      ? {
          logger: {
            log: (level, message, meta) => logs.push([level, message, meta]),
            trace() {},
            debug() {},
            info() {},
            warn() {},
            error() {},
          },
        }
      : {}),
  });
  t.defer(() => runtime.dispose());
  return runtime;
}

test("a timer: startTimer with the duration, then completion with the result when it fires", async (t) => {
  const rt = setup(t);
  const run = runBuilder("sleeper", { args: [1500] });
  const first = commandsOf(await rt.activate(run.start()));
  assert.equal(first.length, 1);
  assert.equal(first[0]?.variant.case, "startTimer");
  const timer = first[0]?.variant.value as { seq: number; startToFireTimeout?: { seconds: bigint; nanos: number } };
  assert.equal(timer.seq, 1);
  assert.equal(timer.startToFireTimeout?.seconds, 1n);
  assert.equal(timer.startToFireTimeout?.nanos, 500_000_000);
  const done = await rt.activate(run.activation([run.fireTimer(1)]));
  assert.deepEqual(summary(done), ["completeWorkflowExecution"]);
  assert.equal(resultOf(done), "slept");
});

test("commands come in the order the workflow issued them, sequence numbers per kind", async (t) => {
  const rt = setup(t);
  const run = runBuilder("twoTimersAndActivity");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1", "startTimer:2", "scheduleActivity:1:greet"]);
  assert.deepEqual(summary(await rt.activate(run.activation([run.fireTimer(2), run.activityCompleted(1, "hi")]))), []);
  const done = await rt.activate(run.activation([run.fireTimer(1)]));
  assert.equal(resultOf(done), 3);
});

test("scheduleActivity carries id, type, task queue, arguments and timeouts", async (t) => {
  const rt = setup(t);
  const run = runBuilder("greeter", { args: ["Ada"] });
  const [cmd] = commandsOf(await rt.activate(run.start()));
  assert.equal(cmd?.variant.case, "scheduleActivity");
  if (cmd?.variant.case !== "scheduleActivity") return;
  const a = cmd.variant.value;
  assert.equal(a.seq, 1);
  assert.equal(a.activityId, "1");
  assert.equal(a.activityType, "greet");
  assert.equal(a.taskQueue, "tq");
  assert.deepEqual(a.arguments.map(fromPayload), ["Ada"]);
  assert.equal(a.startToCloseTimeout?.seconds, 60n);
  assert.equal(a.scheduleToCloseTimeout, undefined);
  assert.equal(a.doNotEagerlyExecute, false);
  const done = await rt.activate(run.activation([run.activityCompleted(1, "Hello, Ada")]));
  assert.equal(resultOf(done), "Hello, Ada");
});

test("an activity failure reaches workflow code as an ActivityFailure with its cause", async (t) => {
  const rt = setup(t);
  const run = runBuilder("activityFails");
  await rt.activate(run.start());
  const done = await rt.activate(run.activation([run.activityFailed(1, activityFailure("boom"))]));
  assert.equal(resultOf(done), "caught ActivityFailure: boom");
});

test("signals sent before the handler exists are buffered and delivered; queries answer", async (t) => {
  const rt = setup(t);
  const run = runBuilder("signalled");
  // The first activation carries a signal along with the start, as core sends it.
  assert.deepEqual(summary(await rt.activate(run.activation([run.start().jobs[0]?.variant, run.signal("unblock", "a")]))), []);
  const q = await rt.activate(run.activation([run.query("q1", "status")]));
  assert.deepEqual(summary(q), ["respondToQuery:q1:succeeded"]);
  const answer = commandsOf(q)[0]?.variant;
  assert.equal(answer?.case === "respondToQuery" && answer.value.variant.case === "succeeded" ? fromPayload(answer.value.variant.value.response) : undefined, "got 1");
  const done = await rt.activate(run.activation([run.signal("unblock", "b")]));
  assert.deepEqual(resultOf(done), ["a", "b"]);
});

test("a query with no handler fails the query, not the workflow; a default handler answers all", async (t) => {
  const rt = setup(t);
  const run = runBuilder("signalled");
  await rt.activate(run.start());
  const q = commandsOf(await rt.activate(run.activation([run.query("q2", "nope")])))[0]?.variant;
  assert.ok(q?.case === "respondToQuery" && q.value.variant.case === "failed");
  assert.match(q.value.variant.value.message, /did not register a handler for nope\. Registered queries: \[__stack_trace __enhanced_stack_trace __temporal_workflow_metadata status\]/);

  const run2 = runBuilder("defaultQuery");
  await rt.activate(run2.start());
  const a = commandsOf(await rt.activate(run2.activation([run2.query("q3", "anything", 1, 2)])))[0]?.variant;
  assert.ok(a?.case === "respondToQuery" && a.value.variant.case === "succeeded");
  assert.equal(fromPayload(a.value.variant.value.response), "anything(1,2)");
});

test("condition with a timeout: resolves true on the signal and cancels its timer", async (t) => {
  const rt = setup(t);
  const run = runBuilder("conditionTimeout");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  const done = await rt.activate(run.activation([run.signal("unblock")]));
  assert.deepEqual(summary(done), ["cancelTimer:1", "completeWorkflowExecution"]);
  assert.equal(resultOf(done), true);
});

test("condition with a timeout: resolves false when the timer fires first", async (t) => {
  const rt = setup(t);
  const run = runBuilder("conditionTimeout");
  await rt.activate(run.start());
  assert.equal(resultOf(await rt.activate(run.activation([run.fireTimer(1)]))), false);
});

test("workflow cancellation cancels the timer; a non-cancellable scope still runs its activity; then the run is cancelled", async (t) => {
  const rt = setup(t);
  const run = runBuilder("cancellable");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  assert.deepEqual(summary(await rt.activate(run.activation([run.cancel()]))), ["cancelTimer:1", "scheduleActivity:1:greet"]);
  const done = await rt.activate(run.activation([run.activityCompleted(1, "cleaned")]));
  assert.deepEqual(summary(done), ["cancelWorkflowExecution"]);
});

test("CancellationScope.withTimeout cancels the activity when its timer fires", async (t) => {
  const rt = setup(t);
  const run = runBuilder("scopeTimeout");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1", "scheduleActivity:1:slow"]);
  assert.deepEqual(summary(await rt.activate(run.activation([run.fireTimer(1)]))), ["requestCancelActivity:1"]);
  const done = await rt.activate(run.activation([run.activityCancelled(1, cancelledFailure())]));
  assert.equal(resultOf(done), "timed out");
});

test("an ApplicationFailure fails the workflow; any other error fails the workflow task", async (t) => {
  const rt = setup(t);
  const run = runBuilder("failsWithApplicationFailure");
  const [cmd] = commandsOf(await rt.activate(run.start()));
  assert.equal(cmd?.variant.case, "failWorkflowExecution");
  if (cmd?.variant.case !== "failWorkflowExecution") return;
  assert.equal(cmd.variant.value.failure?.message, "no luck");
  const info = cmd.variant.value.failure?.failureInfo;
  assert.ok(info?.case === "applicationFailureInfo");
  assert.equal(info.value.type, "Unlucky");
  assert.equal(info.value.nonRetryable, true);

  const run2 = runBuilder("throwsPlainError");
  assert.equal(failureMessage(await rt.activate(run2.start())), "a bug in workflow code");
});

test("an unknown workflow type fails the activation with the exported names", async (t) => {
  const rt = setup(t);
  const run = runBuilder("noSuchWorkflow");
  assert.match(failureMessage(await rt.activate(run.start())), /workflow of type 'noSuchWorkflow'.*it exports: .*sleeper/);
});

test("removeFromCache disposes the run; a later activation without start asks for a replay", async (t) => {
  const rt = setup(t);
  const run = runBuilder("sleeper", { args: [10] });
  await rt.activate(run.start());
  assert.equal(rt.runCount, 1);
  assert.equal((await rt.activate(run.activation([run.evict()]))).status.case, "successful");
  assert.equal(rt.runCount, 0);
  assert.match(failureMessage(await rt.activate(run.activation([run.fireTimer(1)]))), /no initializeWorkflow job and the run is not cached/);
});

test("workflow Date and Date.now() are the activation time; code outside sees the real clock", async (t) => {
  const rt = setup(t);
  const run = runBuilder("clock");
  const started = run.now;
  await rt.activate(run.start());
  const fired = run.now;
  const [first, asDate, afterSleep] = resultOf(await rt.activate(run.activation([run.fireTimer(1)]))) as number[];
  assert.equal(first, started);
  assert.equal(asDate, started);
  assert.equal(afterSleep, fired);
  // Outside an activation (as activity code in this process), the clock is real, not T0 (2024).
  assert.ok(Date.now() > T0 + 86_400_000, `real clock expected, got ${Date.now()}`);
  assert.ok(new Date().getTime() > T0 + 86_400_000);
  const a = Math.random();
  assert.notEqual(a, Math.random());
});

test("Math.random and uuid4 follow the seed: same seed, same values; another seed, others", async (t) => {
  const rt = setup(t);
  const one = resultOf(await rt.activate(runBuilder("randoms", { seed: 42n }).start())) as unknown[];
  const two = resultOf(await rt.activate(runBuilder("randoms", { seed: 42n }).start())) as unknown[];
  const three = resultOf(await rt.activate(runBuilder("randoms", { seed: 43n }).start())) as unknown[];
  assert.deepEqual(one, two);
  assert.notDeepEqual(one, three);
  assert.match(String(one[2]), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("updateRandomSeed (a reset) switches the PRNG before the other jobs", async (t) => {
  const rt = setup(t);
  const fresh = resultOf(await rt.activate(runBuilder("randoms", { seed: 99n }).start())) as unknown[];
  const run = runBuilder("randoms", { seed: 1n });
  const start = run.start().jobs[0]?.variant;
  const reseeded = resultOf(await rt.activate(run.activation([start, run.job("updateRandomSeed", { randomnessSeed: 99n })]))) as unknown[];
  assert.deepEqual(reseeded, fresh);
});

test("setTimeout in workflow code is a durable timer", async (t) => {
  const rt = setup(t);
  const run = runBuilder("usesSetTimeout");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  assert.equal(resultOf(await rt.activate(run.activation([run.fireTimer(1)]))), "timeout fired");
});

test("WeakRef and crypto.randomUUID fail the workflow task with a DeterminismViolationError", async (t) => {
  const rt = setup(t);
  assert.match(failureMessage(await rt.activate(runBuilder("usesWeakRef").start())), /WeakRef cannot be used in workflow code/);
  assert.match(failureMessage(await rt.activate(runBuilder("usesCryptoRandom").start())), /crypto\.randomUUID cannot be used in workflow code: use uuid4\(\)/);
  // Outside workflows they still work.
  assert.ok(new WeakRef({}) instanceof WeakRef);
  assert.equal(typeof crypto.randomUUID(), "string");
});

test("log lines reach the logger with the run's identifiers, and are silent during replay", async (t) => {
  const logs: Array<[LogLevel, string, LogMetadata | undefined]> = [];
  const rt = setup(t, { logs });
  const run = runBuilder("logs");
  await rt.activate(run.start());
  const line = logs.find(([, m]) => m === "hello from workflow");
  assert.ok(line, JSON.stringify(logs));
  assert.equal(line[0], "INFO");
  assert.equal(line[2]?.workflowType, "logs");
  assert.equal(line[2]?.runId, run.runId);
  assert.equal(line[2]?.n, 1);
  logs.length = 0;
  await rt.activate(runBuilder("logs").start({ isReplaying: true }));
  assert.deepEqual(logs, []);
});

test("activations of different runs interleave without mixing state", async (t) => {
  const rt = setup(t);
  const a = runBuilder("sleeper", { args: [1] });
  const b = runBuilder("greeter", { args: ["b"] });
  const results = await Promise.all([rt.activate(a.start()), rt.activate(b.start())]);
  assert.deepEqual(results.map(summary), [["startTimer:1"], ["scheduleActivity:1:greet"]]);
  const done: WorkflowActivation[] = [a.activation([a.fireTimer(1)]), b.activation([b.activityCompleted(1, "B")])];
  const [ra, rb] = await Promise.all(done.map((x) => rt.activate(x)));
  assert.equal(resultOf(ra!), "slept");
  assert.equal(resultOf(rb!), "B");
});

test("in-process sinks: callDuringReplay ones run for replayed calls too; a failing sink is logged, not thrown", async (t) => {
  const calls: string[] = [];
  const logged: string[] = [];
  const rt = createInProcessWorkflowRuntime({
    workflows,
    namespace: "default",
    taskQueue: "tq",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message) => void logged.push(message) },
    sinks: {
      audit: {
        record: {
          fn: (_info, event) => {
            calls.push(event);
            if (event === "woke") throw new Error("sink down");
          },
          callDuringReplay: true,
        },
      },
    },
  });
  t.defer(() => rt.dispose());
  const run = runBuilder("audited");
  run.setReplaying(true);
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  assert.deepEqual(summary(await rt.activate(run.activation([run.fireTimer(1)]))), ["completeWorkflowExecution"]);
  assert.deepEqual(calls, ["started", "woke"]);
  assert.deepEqual(logged, ["Sink function failed"]);
});

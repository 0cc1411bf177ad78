// Workflow interceptors from the workflows module's `interceptors` export:
// inbound (execute, signals, queries), outbound (timers, activities, log
// attributes) and internals (concludeActivation) see and shape the calls.
import assert from "node:assert/strict";
import type { LogLevel, LogMetadata } from "../../src/logging/types.ts";
import { createInProcessWorkflowRuntime } from "../../src/workflow/index.ts";
import { test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { commandsOf, resultOf, runBuilder, summary } from "./activations.ts";
import * as workflows from "./fixtures/intercepted-workflows.ts";

const platform = await runtimePlatform();

test("interceptors wrap the workflow, its signals, queries, timers, activities, log attributes and each activation's commands", async (t) => {
  const logs: Array<[LogLevel, string, LogMetadata | undefined]> = [];
  const rt = createInProcessWorkflowRuntime({
    workflows,
    namespace: "default",
    taskQueue: "tq",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    logger: { log: (level, message, meta) => logs.push([level, message, meta]), trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
  t.defer(() => rt.dispose());
  workflows.calls.length = 0;
  const run = runBuilder("intercepted", { args: ["x"] });

  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  assert.deepEqual(workflows.calls, ['execute(["x"])', "timer 5", "conclude 1"]);
  const line = logs.find(([, m]) => m === "intercepted workflow");
  assert.equal(line?.[2]?.tenant, "acme", "getLogAttributes adds to the run's attributes");
  assert.equal(line?.[2]?.workflowType, "intercepted");

  workflows.calls.length = 0;
  const scheduled = await rt.activate(run.activation([run.fireTimer(1)]));
  assert.deepEqual(workflows.calls, ["activity greet", "conclude 1"]);
  const activity = commandsOf(scheduled)[0]?.variant;
  assert.ok(activity?.case === "scheduleActivity");
  assert.equal(new TextDecoder().decode(activity.value.headers.traced?.data), "yes", "the outbound interceptor's header is on the command");

  await rt.activate(run.activation([run.activityCompleted(1, "hi")]));
  workflows.calls.length = 0;
  const q = commandsOf(await rt.activate(run.activation([run.query("q1", "getState")])))[0]?.variant;
  assert.ok(q?.case === "respondToQuery" && q.value.variant.case === "succeeded");
  assert.deepEqual(workflows.calls, ["query getState", "conclude 1"]);
  workflows.calls.length = 0;
  await rt.activate(run.activation([run.query("q2", "__stack_trace")]));
  assert.deepEqual(workflows.calls, ["conclude 1"], "built-in queries skip inbound interceptors");

  workflows.calls.length = 0;
  const done = await rt.activate(run.activation([run.signal("shout", "hey")]));
  assert.equal(resultOf(done), "hey!", "handleSignal changed the signal's arguments");
  assert.deepEqual(workflows.calls, ["signal shout", "conclude 1"]);
});

// The in-process runtime shares globals with the rest of the process: code
// that is not workflow code (connections, HTTP/2 sessions, activities) must
// never see workflow time or workflow timers, even when it runs while an
// activation waits for its queued promise callbacks.
import assert from "node:assert/strict";
import { createInProcessWorkflowRuntime } from "../../src/workflow/index.ts";
import { test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { commandsOf, runBuilder, T0 } from "./activations.ts";
import * as workflows from "./fixtures/workflows.ts";

const platform = await runtimePlatform();

test("unrelated macrotasks running during an activation see the real clock and real timers", async (t) => {
  const runtime = createInProcessWorkflowRuntime({
    workflows,
    namespace: "default",
    taskQueue: "tq",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
  });
  t.defer(() => runtime.dispose());
  // A macrotask loop standing in for the process's other work; it is always
  // queued, so it runs between an activation's steps and its drains.
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  const schedule = (fn: () => void) => (g.setImmediate ? g.setImmediate(fn) : setTimeout(fn, 0));
  const seenClocks: number[] = [];
  const errors: unknown[] = [];
  let running = true;
  const observe = () => {
    if (!running) return;
    try {
      seenClocks.push(Date.now());
      // As the connection does for each call: a long timer, cleared when the call ends.
      clearTimeout(setTimeout(() => undefined, 70_000));
      schedule(() => undefined);
      schedule(observe);
    } catch (err) {
      errors.push(err);
    }
  };
  schedule(observe);
  t.defer(() => {
    running = false;
  });
  const completions = [];
  for (let i = 0; i < 20; i++) {
    const run = runBuilder("sleeper", { args: [1000] });
    completions.push(await runtime.activate(run.start()));
  }
  running = false;
  assert.deepEqual(errors, []);
  assert.ok(seenClocks.length > 0, "the observer never ran");
  assert.ok(seenClocks.every((ms) => ms > T0 + 365 * 86_400_000), `workflow time leaked: ${seenClocks.filter((ms) => ms <= T0 + 365 * 86_400_000).length} observations`);
  for (const completion of completions) {
    assert.deepEqual(
      commandsOf(completion).map((c) => c.variant.case),
      ["startTimer"],
    );
  }
});

// The dev server's clocks: durable timers, and time skipping that jumps only
// while nothing is outstanding.
import assert from "node:assert/strict";
import { createRealClock, createVirtualClock } from "../../src/dev-server/clock.ts";
import { eventually, test } from "../harness.ts";

const day = 86_400_000;

test("the virtual clock jumps to the next skippable timer when idle", async (t) => {
  const clock = createVirtualClock(() => true);
  t.defer(() => clock.close());
  const start = clock.now();
  const fired: number[] = [];
  clock.schedule(start + 2 * day, () => fired.push(2), true);
  clock.schedule(start + day, () => fired.push(1), true);
  await eventually(() => fired.length === 2, { timeoutMs: 2_000 });
  assert.deepEqual(fired, [1, 2], "in time order");
  assert.ok(clock.now() - start >= 2 * day);
});

test("the virtual clock does not skip while work is outstanding, nor to unskippable timers", async (t) => {
  let idle = false;
  const clock = createVirtualClock(() => idle);
  t.defer(() => clock.close());
  const start = clock.now();
  let skippable = false;
  let taskTimeout = false;
  clock.schedule(start + day, () => (skippable = true), true);
  clock.schedule(start + 2 * day, () => (taskTimeout = true), false);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(skippable, false, "busy: no skipping");
  idle = true;
  clock.poke();
  await eventually(() => skippable, { timeoutMs: 2_000 });
  assert.equal(taskTimeout, false, "a task timeout is never jumped to");
});

test("the real clock keeps timers beyond setTimeout's 24.8-day limit", async (t) => {
  const clock = createRealClock();
  t.defer(() => clock.close());
  let fired = false;
  clock.schedule(Date.now() + 30 * day, () => (fired = true), true);
  let soon = false;
  clock.schedule(Date.now() + 20, () => (soon = true), true);
  await eventually(() => soon);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(fired, false);
});

import assert from "node:assert/strict";
import { Context } from "../../src/activity/index.ts";
import { connect } from "../../src/connection/connection.ts";
import { createActivityWorker } from "../../src/worker/activity/activity-worker.ts";
import type { ActivityWorkerOptions } from "../../src/worker/activity/options.ts";
import { test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

function build(t: { defer(fn: () => unknown): void }, extra: Record<string, unknown>) {
  const connection = connect({ address: "127.0.0.1:1" }, platform);
  t.defer(() => connection.close());
  return createActivityWorker({ connection, taskQueue: "q", activities: { a: () => 1 }, platform, ...extra } as ActivityWorkerOptions);
}

test("defaults follow the official worker", (t) => {
  const w = build(t, {});
  assert.equal(w.options.namespace, "default");
  assert.equal(w.options.identity, `${platform.pid()}@${platform.hostname()}`);
  assert.equal(w.options.maxConcurrentActivityTaskExecutions, 100);
  assert.equal(w.options.maxConcurrentActivityTaskPolls, 10);
  assert.equal(w.options.shutdownGraceTimeMs, 0);
  assert.equal(w.options.maxHeartbeatThrottleIntervalMs, 60_000);
  assert.equal(w.options.defaultHeartbeatThrottleIntervalMs, 30_000);
  assert.equal(w.state, "INITIALIZED");
  assert.equal(build(t, { maxConcurrentActivityTaskExecutions: 4 }).options.maxConcurrentActivityTaskPolls, 4);
  assert.equal(build(t, { shutdownGraceTime: "1.5s" }).options.shutdownGraceTimeMs, 1_500);
});

test("invalid options fail with a message naming each field", (t) => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ taskQueue: "" }, /taskQueue: must not be empty/],
    [{ activities: {} }, /activities: must register at least one activity function/],
    [{ activities: { a: 42 } }, /activities\.a: must be a function/],
    [{ maxConcurrentActivityTaskExecutions: 0 }, /maxConcurrentActivityTaskExecutions: must be at least 1 \(got 0\)/],
    [{ maxConcurrentActivityTaskPolls: 2.5 }, /maxConcurrentActivityTaskPolls: must be a whole number/],
    [{ maxActivitiesPerSecond: -1 }, /maxActivitiesPerSecond: must be a number of tasks per second above 0/],
    [{ shutdownGraceTime: "soon" }, /shutdownGraceTime: must be milliseconds or a duration string such as "10s"/],
    [{ maxHeartbeatThrottleInterval: "1 fortnight" }, /maxHeartbeatThrottleInterval: must be milliseconds or a duration string/],
    [{ platform: {} }, /platform: must be the runtime's Platform/],
    [{ maxConcurrentActivityTaskPoll: 3 }, /maxConcurrentActivityTaskPoll: unknown option; remove it or check its spelling/],
  ];
  for (const [extra, message] of cases) {
    assert.throws(() => build(t, extra), (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /^invalid activity worker options: /);
      assert.match(err.message, message);
      return true;
    });
  }
});

test("shutdown() before run() is an error that says what to do", (t) => {
  const w = build(t, {});
  assert.throws(() => w.shutdown(), /is not running: call run\(\) before shutdown\(\)/);
});

test("Context.current() outside an activity throws an actionable error", () => {
  assert.throws(() => Context.current(), /Context\.current\(\) was called outside an activity/);
});

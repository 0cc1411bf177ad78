// Determinism and isolation end to end: workflow time against the history,
// the real clock in activities, a deadlocked workflow that fails its task
// while the others carry on; and the sticky cache with its evictions.
import assert from "node:assert/strict";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { eventually, test } from "../harness.ts";
import { openOfficialSide } from "./official-remote.ts";
import { recordingMeter } from "./metrics.ts";
import { fetchHistory, newTaskQueue, officialClient, openConnection, replayAll, startDevServer, startOurWorker } from "./support.ts";

test("workflow Date.now() is the task's time and stands still; the activity sees the real clock", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("clock");
  const ours = await startOurWorker(t, connection, taskQueue);
  const outcome = await officialClient(server.address, taskQueue, "clock");
  await ours.stop();
  const value = outcome.value as { first: number; second: number; startMs: number; activity: number; afterTimer: number; id: string };
  const history = await fetchHistory(connection, outcome.workflowIds[0] ?? "");
  const startedTimes = history.events
    .filter((e) => e.eventType === EventType.WORKFLOW_TASK_STARTED)
    .map((e) => (e.eventTime ? timestampMs(e.eventTime) : 0));
  // The first activation runs at the first task's start time; a spinning loop does not move it.
  assert.equal(value.first, startedTimes[0]);
  assert.equal(value.second, value.first);
  // After the timer the workflow is at the time of the task that resumed it.
  assert.equal(value.afterTimer, startedTimes[startedTimes.length - 1]);
  assert.ok(value.afterTimer > value.first);
  // The activity ran on the real clock, after the first task and within the scenario.
  const { before, after } = outcome.extra as { before: number; after: number };
  assert.ok(value.activity >= value.first && value.activity >= before && value.activity <= after, JSON.stringify({ value, before, after }));
  assert.match(value.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await replayAll(t, connection, outcome.workflowIds);
});

test("an infinite loop fails its workflow task with [TMPRL1101] while other workflows complete", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("deadlock");
  const ours = await startOurWorker(t, connection, taskQueue, { deadlockTimeout: "500ms" });
  const outcome = await officialClient(server.address, taskQueue, "deadlock");
  assert.equal(outcome.value, "timers fired");
  assert.match(String(outcome.extra?.failure), /\[TMPRL1101\]/);
  await ours.stop();
  await replayAll(t, connection, outcome.workflowIds);
}, { timeoutMs: 60_000 });

test("sticky: cached runs get only new events; an evicted run is rebuilt from the full history", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("sticky");
  const metrics: string[] = [];
  const ours = await startOurWorker(t, connection, taskQueue, {
    maxCachedWorkflows: 2,
    maxConcurrentWorkflowTaskExecutions: 2,
    metrics: recordingMeter(metrics),
  });
  const outcome = await officialClient(server.address, taskQueue, "stickyEviction");
  assert.deepEqual(outcome.value, [42, 42, 42]);
  await ours.stop();
  const count = (name: string) => metrics.filter((m) => m.startsWith(`${name}{`)).length;
  assert.ok(count("temporal_sticky_cache_total_forced_eviction") >= 1, "the third run evicted the first");
  assert.ok(count("temporal_sticky_cache_miss") >= 1, "the evicted run's sticky task missed the cache");
  assert.ok(count("temporal_sticky_cache_hit") >= 1, "cached runs hit");
  assert.ok(count("temporal_workflow_task_replay_latency") >= 1, "the miss replayed the full history");
  assert.ok(metrics.some((m) => m.startsWith("temporal_workflow_completed{")));
  await replayAll(t, connection, outcome.workflowIds);
});

test(
  "runs lost with a replaced workflow thread are evicted quietly and replayed by their next task, without a failed task",
  async (t) => {
    const server = await startDevServer(t);
    const connection = openConnection(t, server.address);
    const official = await openOfficialSide(t, server.address);
    const taskQueue = newTaskQueue("lost-runs");
    // One thread: the waiting run and the spinning one share it, so replacing it loses the waiting run.
    await startOurWorker(t, connection, taskQueue, { workflowThreadPoolSize: 1, deadlockTimeout: 500 });
    const waitingId = `${taskQueue}-relay`;
    await official.start("relay", waitingId, taskQueue, [1]);
    await eventually(async () => (await fetchHistory(connection, waitingId)).events.some((e) => e.eventType === EventType.WORKFLOW_TASK_COMPLETED));
    const spinningId = `${taskQueue}-spins`;
    await official.start("spins", spinningId, taskQueue, []);
    await eventually(async () => (await fetchHistory(connection, spinningId)).events.some((e) => e.eventType === EventType.WORKFLOW_TASK_FAILED));
    await official.signal(waitingId, "next");
    const result = (await official.result(waitingId)) as { recorded: string[]; computed: string[] };
    assert.deepEqual(result.computed, result.recorded);
    const failed = (await fetchHistory(connection, waitingId)).events.filter((e) => e.eventType === EventType.WORKFLOW_TASK_FAILED);
    assert.equal(failed.length, 0, "the lost run's next task replayed it instead of failing");
  },
  // Deno 2.9 cannot stop a spinning thread, so its threads interrupt their own activations and are never replaced.
  { runtimes: ["node", "bun"], timeoutMs: 60_000 },
);

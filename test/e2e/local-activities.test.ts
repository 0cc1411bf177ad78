// Local activities, judged by the official worker: the official client runs
// the same workflow on the official worker and on THIS worker (which runs the
// local activities in its own process), and both must give the same results;
// then each history replays on our runtime without nondeterminism.
import assert from "node:assert/strict";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { test } from "../harness.ts";
import { openOfficialSide } from "./official-remote.ts";
import { fetchHistory, newTaskQueue, officialClient, openConnection, replayAll, startDevServer, startOurWorker } from "./support.ts";

test(
  "local activities: success, local retries, timer backoff, failure, timeouts — as the official worker, and replayed",
  async (t) => {
    const server = await startDevServer(t);
    const connection = openConnection(t, server.address);

    // The official worker's run: the reference, and a history with local activity markers it wrote.
    const official = await openOfficialSide(t, server.address);
    const officialQueue = newTaskQueue("local-official");
    const officialId = `${officialQueue}-local`;
    await official.startWorker(officialQueue);
    await official.start("localActivities", officialId, officialQueue, []);
    const expected = await official.result(officialId);
    await official.stopWorker();

    const taskQueue = newTaskQueue("local");
    const ours = await startOurWorker(t, connection, taskQueue);
    const outcome = await officialClient(server.address, taskQueue, "localActivities");
    await ours.stop();
    assert.deepEqual(ours.logs.filter((l) => l.level === "ERROR"), [], "our worker logged no error");
    assert.equal(outcome.error, undefined, JSON.stringify(outcome.error));
    assert.deepEqual(outcome.value, expected);
    const values = outcome.value as unknown[];
    assert.deepEqual(values.slice(0, 3), ["Hello, Ada!", 3, 2]);
    assert.match(String(values[3]), /this cannot work/);
    assert.equal(values[4], 2);
    assert.match(String(values[5]), /timed out/i);

    const history = await fetchHistory(connection, outcome.workflowIds[0] ?? "");
    const types = history.events.map((e) => e.eventType);
    // Six local activities resolved (with one failed attempt recorded before the timer backoff), no normal activity.
    assert.equal(types.filter((x) => x === EventType.MARKER_RECORDED).length, 7);
    assert.equal(types.filter((x) => x === EventType.TIMER_STARTED).length, 1);
    assert.equal(types.filter((x) => x === EventType.ACTIVITY_TASK_SCHEDULED).length, 0);
    assert.equal(types.filter((x) => x === EventType.WORKFLOW_TASK_FAILED).length, 0);

    // Both histories replay here: ours, and the official worker's (interchange).
    await replayAll(t, connection, [...outcome.workflowIds, officialId]);
  },
  { timeoutMs: 90_000 },
);

test(
  "a long local activity keeps its workflow task alive by heartbeats; scopes cancel local activities — as the official worker",
  async (t) => {
    const server = await startDevServer(t);
    const connection = openConnection(t, server.address);
    const official = await openOfficialSide(t, server.address);
    // A 1 s task timeout: the task heartbeats at 800 ms while the 2.5 s activity runs.
    const options = { workflowTaskTimeout: "1s" };

    const officialQueue = newTaskQueue("local-life-official");
    const officialId = `${officialQueue}-life`;
    await official.startWorker(officialQueue);
    await official.start("localActivityLifecycle", officialId, officialQueue, [], options);
    const expected = await official.result(officialId);
    await official.stopWorker();

    const taskQueue = newTaskQueue("local-life");
    const workflowId = `${taskQueue}-life`;
    const ours = await startOurWorker(t, connection, taskQueue);
    await official.start("localActivityLifecycle", workflowId, taskQueue, [], options);
    const value = await official.result(workflowId);
    await ours.stop();
    assert.deepEqual(ours.logs.filter((l) => l.level === "ERROR"), [], "our worker logged no error");
    assert.deepEqual(value, expected);
    const [attempt, waited, tried] = value as unknown[];
    assert.equal(attempt, 2);
    assert.match(String(waited), /^ActivityFailure: .* <- CancelledFailure/);
    assert.match(String(tried), /^ActivityFailure: .* <- CancelledFailure/);

    const types = (await fetchHistory(connection, workflowId)).events.map((e) => e.eventType);
    const firstMarker = types.indexOf(EventType.MARKER_RECORDED);
    const heartbeats = types.slice(0, firstMarker).filter((x) => x === EventType.WORKFLOW_TASK_COMPLETED).length;
    assert.ok(heartbeats >= 2, `the task heartbeat while the activity ran (${heartbeats} completed tasks before its marker)`);
    assert.equal(types.filter((x) => x === EventType.WORKFLOW_TASK_TIMED_OUT).length, 0);
    assert.equal(types.filter((x) => x === EventType.WORKFLOW_TASK_FAILED).length, 0);
    await replayAll(t, connection, [workflowId, officialId]);
  },
  { timeoutMs: 90_000 },
);

// The official worker and THIS worker take turns on the same runs: one is
// stopped mid-run and the other, started on the same task queue, replays
// what the first recorded and carries on. Neither may find nondeterminism,
// and both must compute the same uuid4/Math.random values.
import assert from "node:assert/strict";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { Connection } from "../../src/connection/connection.ts";
import { eventually, type TestContext, test } from "../harness.ts";
import { openOfficialSide } from "./official-remote.ts";
import type { OfficialSide } from "./official-side.ts";
import { fetchHistory, newTaskQueue, openConnection, replayAll, startDevServer, startOurWorker } from "./support.ts";

type Turn = "ours" | "official";

async function countEvents(connection: Connection, workflowId: string, type: EventType): Promise<number> {
  return (await fetchHistory(connection, workflowId)).events.filter((e) => e.eventType === type).length;
}

async function relayAcross(t: TestContext, turns: readonly Turn[]): Promise<void> {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const official: OfficialSide = await openOfficialSide(t, server.address);
  const taskQueue = newTaskQueue("interchange");
  const workflowId = `${taskQueue}-relay`;
  await official.start("relay", workflowId, taskQueue, [turns.length]);
  for (const [i, turn] of turns.entries()) {
    const ours = turn === "ours" ? await startOurWorker(t, connection, taskQueue) : undefined;
    if (turn === "official") await official.startWorker(taskQueue);
    const signalled = Date.now();
    await official.signal(workflowId, "next");
    // The step is done when its activity completed, the timer after it fired, and the task that followed was answered.
    await eventually(
      async () => {
        const events = (await fetchHistory(connection, workflowId)).events;
        const fired = events.filter((e) => e.eventType === EventType.TIMER_FIRED).length;
        const last = events[events.length - 1]?.eventType;
        return fired > i && (last === EventType.WORKFLOW_TASK_COMPLETED || last === EventType.WORKFLOW_EXECUTION_COMPLETED);
      },
      { timeoutMs: 20_000, message: `step ${i} on ${turn}` },
    );
    // The previous worker told the server it shut down (ShutdownWorker with its sticky queue): the run
    // moves to the normal queue at once instead of waiting out the 10 s sticky schedule-to-start timeout.
    const handOverMs = Date.now() - signalled;
    assert.ok(handOverMs < 3_000, `step ${i} on ${turn} took ${handOverMs} ms after the previous worker stopped`);
    // The last worker stays to complete the run.
    if (i === turns.length - 1) break;
    if (ours) {
      await ours.stop();
      assert.deepEqual(ours.logs.filter((l) => l.level === "ERROR" || l.message.includes("failed")), [], `our worker had no trouble on step ${i}`);
    } else {
      await official.stopWorker();
    }
  }
  const result = (await official.result(workflowId)) as { recorded: string[]; computed: string[] };
  assert.equal(result.recorded.length, turns.length);
  // The values every worker computed while replaying equal what the live worker of each step recorded.
  assert.deepEqual(result.computed, result.recorded);
  assert.equal(await countEvents(connection, workflowId, EventType.WORKFLOW_TASK_FAILED), 0, "no workflow task failed");
  await official.stopWorker();
  await replayAll(t, connection, [workflowId]);
}

test("ours, then the official worker, then ours again, then the official worker", async (t) => {
  await relayAcross(t, ["ours", "official", "ours", "official"]);
}, { timeoutMs: 90_000 });

test("the official worker first, then ours to the end", async (t) => {
  await relayAcross(t, ["official", "ours", "ours"]);
}, { timeoutMs: 90_000 });

test("dev server: ShutdownWorker ends the worker's polls and retires its sticky queue, even for a completion that comes after it", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const service = connection.workflowService;
  const namespace = "default";
  const taskQueue = newTaskQueue("shutdown-worker");
  const sticky = `${taskQueue}-sticky`;
  const workflowId = `${taskQueue}-wf`;
  await service.startWorkflowExecution({ namespace, workflowId, workflowType: { name: "anything" }, taskQueue: { name: taskQueue }, requestId: crypto.randomUUID(), identity: "test" });
  const first = await service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: "old", workerInstanceKey: "old" });
  assert.ok(first.taskToken.length > 0);
  // The old worker's polls wait on both of its queues when it shuts down.
  const polls = [
    service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: sticky, kind: TaskQueueKind.STICKY, normalName: taskQueue }, identity: "old", workerInstanceKey: "old" }),
    service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: "old", workerInstanceKey: "old" }),
  ];
  await eventually(async () => (await service.describeTaskQueue({ namespace, taskQueue: { name: sticky } })).pollers.length > 0);
  const shutdownAt = Date.now();
  await service.shutdownWorker({ namespace, identity: "old", workerInstanceKey: "old", stickyTaskQueue: sticky, taskQueue });
  const ended = await Promise.all(polls);
  assert.deepEqual(ended.map((p) => p.taskToken.length), [0, 0]);
  assert.ok(Date.now() - shutdownAt < 3_000, "the polls ended with the shutdown, not at their timeout");
  // A task it was still finishing is answered after the shutdown, with its sticky queue.
  await service.respondWorkflowTaskCompleted({
    namespace,
    taskToken: first.taskToken,
    identity: "old",
    stickyAttributes: { workerTaskQueue: { name: sticky, kind: TaskQueueKind.STICKY, normalName: taskQueue }, scheduleToStartTimeout: { seconds: 10n } },
  });
  await service.signalWorkflowExecution({ namespace, workflowExecution: { workflowId }, signalName: "next", identity: "test", requestId: crypto.randomUUID() });
  const pollAt = Date.now();
  const next = await service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity: "new", workerInstanceKey: "new" });
  assert.ok(next.taskToken.length > 0, "the next task came to the normal queue");
  assert.ok(Date.now() - pollAt < 3_000, `the next task waited ${Date.now() - pollAt} ms (the sticky timeout is 10 s)`);
  assert.equal(next.history?.events[0]?.eventId, 1n, "a full history: the new worker has nothing cached");
});

// The official worker and THIS worker take turns on the same runs: one is
// stopped mid-run and the other, started on the same task queue, replays
// what the first recorded and carries on. Neither may find nondeterminism,
// and both must compute the same uuid4/Math.random values.
import assert from "node:assert/strict";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
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
    await official.signal(workflowId, "next");
    // The step is done when its activity completed and the timer after it fired.
    await eventually(async () => (await countEvents(connection, workflowId, EventType.TIMER_FIRED)) > i, {
      timeoutMs: 20_000,
      message: `step ${i} on ${turn}`,
    });
    const last = i === turns.length - 1;
    // The last worker stays to complete the run.
    if (last) break;
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

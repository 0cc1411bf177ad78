// SIGTERM while an activity runs: the worker process drains without losing
// it. Either the activity finishes within shutdownGraceTime and the process
// exits 0, or it is cancelled with WORKER_SHUTDOWN, reported as a retryable
// failure, and the server retries it on a second worker process. The
// workflow completes either way; its history says which way it went.
import assert from "node:assert/strict";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { eventually, test } from "../harness.ts";
import { fixture, healthUrl, launchWorker, openClient, processStates, readiness, startServer, type WorkerChild } from "./support.ts";

function serve(t: Parameters<typeof launchWorker>[0], address: string, taskQueue: string, identity: string, grace: string): WorkerChild {
  return launchWorker(t, [
    "--address",
    address,
    "--task-queue",
    taskQueue,
    "--workflows",
    fixture("workflows"),
    "--activities",
    fixture("activities"),
    "--identity",
    identity,
    "--shutdown-grace-time",
    grace,
    "--health-address",
    "127.0.0.1:0",
  ]);
}

async function whenReady(worker: WorkerChild): Promise<string> {
  const url = await healthUrl(worker);
  await eventually(async () => (await readiness(url)).status === 200, { timeoutMs: 15_000, message: `ready; output:\n${worker.output()}` });
  return url;
}

const activityStarted = (worker: WorkerChild) => worker.logs().find((l) => l.message === "slow activity started");

/** The activity's events, in order: [kind, attempt or identity...]. */
function activityEvents(history: History) {
  const out: Array<{ kind: string; attempt?: number; identity?: string; lastFailure?: string }> = [];
  for (const event of history.events) {
    const a = event.attributes;
    if (a.case === "activityTaskStartedEventAttributes") {
      out.push({ kind: "started", attempt: a.value.attempt, identity: a.value.identity, lastFailure: a.value.lastFailure?.message ?? "" });
    } else if (a.case === "activityTaskCompletedEventAttributes") {
      out.push({ kind: "completed", identity: a.value.identity });
    } else if (a.case === "activityTaskFailedEventAttributes") {
      out.push({ kind: "failed", identity: a.value.identity });
    }
  }
  return out;
}

test(
  "an activity that finishes within the grace time completes during the drain; /readyz is 503 while draining; exit 0",
  async (t) => {
    const server = await startServer(t);
    const client = await openClient(t, server.address);
    const taskQueue = "pe2e-drain-completes";
    const first = serve(t, server.address, taskQueue, "worker-one", "10s");
    const url = await whenReady(first);
    const ready = await readiness(url);
    assert.deepEqual(
      ready.body.entities.map((e) => [e.taskQueue, e.roles.join("+"), e.state, e.polling]),
      [[taskQueue, "workflow+activity", "RUNNING", true]],
    );

    const handle = await client.workflow.start("slowStep", { workflowId: "drain-completes", taskQueue, args: [1_500] });
    await eventually(() => activityStarted(first), { timeoutMs: 10_000, message: "the activity starts" });
    first.signal("SIGTERM");
    // Not ready from the moment the signal is handled, while the activity still runs.
    const draining = await eventually(async () => {
      const r = await readiness(url);
      return r.status === 503 ? r.body : undefined;
    });
    assert.equal(draining.ready, false);
    assert.ok(["STOPPING", "DRAINING"].includes(draining.state), draining.state);
    assert.equal(draining.entities[0]?.polling, false);
    assert.equal(await first.exited, 0, first.output());
    assert.deepEqual(processStates(first), ["RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"]);

    // The activity's result was recorded by the draining worker; the workflow
    // waits for its next workflow task, which a new worker process picks up.
    assert.deepEqual(activityEvents(await handle.fetchHistory()).map((e) => [e.kind, e.identity]), [
      ["started", "worker-one"],
      ["completed", "worker-one"],
    ]);
    const second = serve(t, server.address, taskQueue, "worker-two", "10s");
    assert.equal(await handle.result(), "slow work done on attempt 1");
    second.signal("SIGTERM");
    assert.equal(await second.exited, 0, second.output());
  },
  { timeoutMs: 40_000 },
);

test(
  "an activity still running after the grace time is cancelled with WORKER_SHUTDOWN and retried on another worker process",
  async (t) => {
    const server = await startServer(t);
    const client = await openClient(t, server.address);
    const taskQueue = "pe2e-drain-retried";
    const first = serve(t, server.address, taskQueue, "worker-one", "300ms");
    await whenReady(first);
    const handle = await client.workflow.start("slowStep", { workflowId: "drain-retried", taskQueue, args: [2_000] });
    await eventually(() => activityStarted(first), { timeoutMs: 10_000, message: "the activity starts" });
    first.signal("SIGTERM");
    // A drain that cancelled what outlived the grace time is still a clean drain.
    assert.equal(await first.exited, 0, first.output());
    assert.ok(first.logs().some((l) => /Cancelling 1 activities still running after the shutdown grace time/.test(String(l.message))), first.output());

    const second = serve(t, server.address, taskQueue, "worker-two", "10s");
    assert.equal(await handle.result(), "slow work done on attempt 2");
    second.signal("SIGTERM");
    assert.equal(await second.exited, 0, second.output());
    const events = activityEvents(await handle.fetchHistory());
    // The server records only the last attempt's start, with the failure that ended the first one.
    assert.deepEqual(events.map((e) => [e.kind, e.attempt, e.identity]), [
      ["started", 2, "worker-two"],
      ["completed", undefined, "worker-two"],
    ]);
    assert.match(events[0]?.lastFailure ?? "", /Worker is shutting down/);
    assert.equal((await handle.describe()).status.name, "COMPLETED");
  },
  { timeoutMs: 40_000 },
);

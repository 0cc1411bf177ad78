import assert from "node:assert/strict";
import { Context, sleep } from "../../src/activity/index.ts";
import { eventually, test } from "../harness.ts";
import { startFakeActivityService } from "./fake-activity-service.ts";
import { startWorker } from "./worker-setup.ts";

test("shutdown: polls stop, activities finishing within the grace time complete, the rest are cancelled and reported", async (t) => {
  const fake = await startFakeActivityService(t);
  const states: string[] = [];
  let shutdownSeen: unknown;
  const { worker, run } = startWorker(t, fake, {
    shutdownGraceTime: "300ms",
    activities: {
      async quick() {
        await sleep(100);
        return "quick";
      },
      async slow() {
        try {
          await sleep("60s");
        } finally {
          shutdownSeen = Context.current().cancellationDetails;
        }
      },
    },
  });
  const quick = await fake.push({ type: "quick" });
  const slow = await fake.push({ type: "slow" });
  await eventually(() => worker.status().activitiesRunning === 2);
  const started = Date.now();
  worker.shutdown();
  const watch = setInterval(() => {
    if (states.at(-1) !== worker.state) states.push(worker.state);
  }, 1);
  t.defer(() => clearInterval(watch));
  let resolvedWhileRunning = false;
  await run.then(() => {
    resolvedWhileRunning = worker.status().activitiesRunning > 0;
    states.push(worker.state);
  });
  const elapsed = Date.now() - started;
  assert.equal(resolvedWhileRunning, false);
  assert.equal(worker.state, "STOPPED");
  assert.equal(fake.outcomes.get(quick)?.kind, "completed");
  const slowOut = fake.outcomes.get(slow);
  assert.equal(slowOut?.kind, "failed");
  if (slowOut?.kind !== "failed") return;
  // Retryable, so the server gives the attempt to another worker.
  assert.equal(slowOut.failure.failureInfo.case, "applicationFailureInfo");
  assert.equal(slowOut.failure.failureInfo.value?.type, "WorkerShutdown");
  assert.equal(slowOut.failure.failureInfo.value?.nonRetryable, false);
  assert.equal((shutdownSeen as { workerShutdown: boolean }).workerShutdown, true);
  assert.ok(elapsed >= 250, `cancelled after ${elapsed} ms, before the grace time`);
  assert.equal(fake.shutdownCalls.length, 1);
  assert.equal(fake.shutdownCalls[0]?.taskQueue, "activities");
  assert.equal(fake.pollsInFlight, 0);
  // The official worker's order; DRAINED may pass between two samples.
  const order = ["RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"];
  assert.deepEqual(states, [...states].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  assert.ok(states.includes("DRAINING") && states.at(-1) === "STOPPED", states.join(" -> "));
});

test("shutdown with nothing running resolves promptly and aborts the long polls", async (t) => {
  const fake = await startFakeActivityService(t);
  const { worker, run } = startWorker(t, fake, { activities: { a: () => 1 } });
  await eventually(() => fake.pollsInFlight === 10);
  const started = Date.now();
  worker.shutdown();
  worker.shutdown();
  await run;
  assert.ok(Date.now() - started < 1_500, "polls were aborted rather than waited out");
  await eventually(() => fake.pollsInFlight === 0);
});

test("slots are taken before polling: never more polls plus activities than maxConcurrentActivityTaskExecutions", async (t) => {
  const fake = await startFakeActivityService(t);
  let running = 0;
  let maxRunning = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const { worker } = startWorker(t, fake, {
    maxConcurrentActivityTaskExecutions: 3,
    maxConcurrentActivityTaskPolls: 5,
    activities: {
      async held() {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await gate;
        running--;
      },
    },
  });
  const tokens = await Promise.all(Array.from({ length: 6 }, () => fake.push({ type: "held" })));
  await eventually(() => running === 3);
  // All three slots are busy with activities: nobody is polling for a fourth.
  await eventually(() => fake.pollsInFlight === 0 && worker.status().slots.available === 0);
  assert.equal(fake.maxPollsInFlight <= 3, true);
  release();
  await eventually(() => tokens.every((tk) => fake.outcomes.get(tk)?.kind === "completed"));
  assert.equal(maxRunning, 3);
});

test("maxActivitiesPerSecond spaces task starts; maxTaskQueueActivitiesPerSecond rides on the poll", async (t) => {
  const fake = await startFakeActivityService(t);
  const starts: number[] = [];
  startWorker(t, fake, {
    maxActivitiesPerSecond: 10,
    maxTaskQueueActivitiesPerSecond: 42.5,
    identity: "worker-7@test",
    activities: {
      tick() {
        starts.push(Date.now());
      },
    },
  });
  const tokens = await Promise.all(Array.from({ length: 4 }, () => fake.push({ type: "tick" })));
  await eventually(() => tokens.every((tk) => fake.outcomes.has(tk)));
  starts.sort((a, b) => a - b);
  // 4 starts at 10/s need 3 gaps of 100 ms (timer slack allowed); unlimited, they would be a few ms apart.
  assert.ok((starts.at(-1) ?? 0) - (starts[0] ?? 0) >= 250, `starts spread over ${(starts.at(-1) ?? 0) - (starts[0] ?? 0)} ms`);
  const poll = fake.polls[0];
  assert.equal(poll?.taskQueueMetadata?.maxTasksPerSecond, 42.5);
  assert.equal(poll?.identity, "worker-7@test");
  assert.equal(poll?.taskQueue?.name, "activities");
  assert.ok((poll?.workerInstanceKey ?? "").length > 0);
});

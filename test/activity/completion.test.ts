import assert from "node:assert/strict";
import { Code } from "@connectrpc/connect";
import { activityInfo, ApplicationFailure, CompleteAsyncError, Context } from "../../src/activity/index.ts";
import { decodeArrayFromPayloads, decodeFailureToError, defaultDataConverter } from "../../src/converter/index.ts";
import { eventually, test } from "../harness.ts";
import { type Outcome, startFakeActivityService } from "./fake-activity-service.ts";
import { recordingMeter, startWorker } from "./worker-setup.ts";

const outcome = (fake: { outcomes: Map<string, Outcome> }, token: string) =>
  eventually(() => fake.outcomes.get(token), { message: `no outcome reported for ${token}` });

test("runs an activity with its arguments and reports the result", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, { activities: { greet: async (name: string, n: number) => `hello ${name} x${n}` } });
  const token = await fake.push({ type: "greet", args: ["ada", 3] });
  const out = await outcome(fake, token);
  assert.equal(out.kind, "completed");
  assert.deepEqual(await decodeArrayFromPayloads(defaultDataConverter, out.kind === "completed" ? out.result : []), ["hello ada x3"]);
});

test("Context.current() and activityInfo() survive awaits and timers, with the Info of the task", async (t) => {
  const fake = await startFakeActivityService(t);
  let seen: Record<string, unknown> | undefined;
  startWorker(t, fake, {
    namespace: "default",
    activities: {
      async inspect() {
        await new Promise((r) => setTimeout(r, 10));
        const info = await Promise.resolve().then(() => activityInfo());
        const same = Context.current().info === info;
        seen = { ...info, same, realRandom: Math.random !== undefined && Math.random() !== Math.random(), now: Date.now() };
        return null;
      },
    },
  });
  const token = await fake.push({ type: "inspect", attempt: 2, heartbeatTimeoutMs: 4_000, heartbeatDetails: { step: 7 } });
  await outcome(fake, token);
  assert.ok(seen);
  assert.equal(seen.same, true);
  assert.equal(seen.activityType, "inspect");
  assert.equal(seen.activityId, "1");
  assert.equal(seen.attempt, 2);
  assert.equal(seen.isLocal, false);
  assert.equal(seen.inWorkflow, true);
  assert.deepEqual(seen.workflowExecution, { workflowId: "wf-1", runId: "run-1" });
  assert.equal(seen.workflowType, "ParentWorkflow");
  assert.equal(seen.taskQueue, "activities");
  assert.equal(seen.namespace, "default");
  assert.equal(seen.heartbeatTimeoutMs, 4_000);
  assert.equal(seen.startToCloseTimeoutMs, 30_000);
  assert.equal(seen.scheduleToCloseTimeoutMs, 60_000);
  assert.deepEqual(seen.heartbeatDetails, { step: 7 });
  assert.equal(seen.base64TaskToken, btoa(token));
  assert.equal((seen.retryPolicy as { maximumAttempts: number }).maximumAttempts, 5);
  assert.equal((seen.retryPolicy as { initialInterval: number }).initialInterval, 1000);
  assert.ok((seen.currentAttemptScheduledTimestampMs as number) > (seen.scheduledTimestampMs as number));
  // Activity code sees the real clock and the real Math.random.
  assert.ok(Math.abs((seen.now as number) - Date.now()) < 5_000);
  assert.equal(seen.realRandom, true);
});

test("a thrown ApplicationFailure keeps type, nonRetryable, details and nextRetryDelay", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    activities: {
      async charge() {
        throw ApplicationFailure.create({
          message: "card declined",
          type: "CardDeclined",
          nonRetryable: true,
          details: [{ code: 51 }],
          nextRetryDelay: "3s",
        });
      },
    },
  });
  const out = await outcome(fake, await fake.push({ type: "charge" }));
  assert.equal(out.kind, "failed");
  if (out.kind !== "failed") return;
  const info = out.failure.failureInfo;
  assert.equal(info.case, "applicationFailureInfo");
  assert.equal(info.value?.type, "CardDeclined");
  assert.equal(info.value?.nonRetryable, true);
  assert.equal(Number(info.value?.nextRetryDelay?.seconds), 3);
  const err = await decodeFailureToError(defaultDataConverter, out.failure);
  assert.ok(err instanceof ApplicationFailure);
  assert.equal(err.message, "card declined");
  assert.deepEqual(err.details, [{ code: 51 }]);
});

test("a plain Error becomes a retryable ApplicationFailure typed by its class", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    activities: {
      boom() {
        throw new RangeError("index 9 out of range");
      },
    },
  });
  const out = await outcome(fake, await fake.push({ type: "boom" }));
  assert.equal(out.kind, "failed");
  if (out.kind !== "failed") return;
  assert.equal(out.failure.message, "index 9 out of range");
  assert.equal(out.failure.failureInfo.case, "applicationFailureInfo");
  assert.equal(out.failure.failureInfo.value?.type, "RangeError");
  assert.equal(out.failure.failureInfo.value?.nonRetryable, false);
  assert.match(out.failure.stackTrace, /RangeError|boom/);
});

test("a thrown non-Error gets a message that says what was thrown and what to do", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    activities: {
      async throwsString() {
        throw "disk full";
      },
      async throwsObject() {
        throw { code: 28 };
      },
    },
  });
  const a = await outcome(fake, await fake.push({ type: "throwsString" }));
  const b = await outcome(fake, await fake.push({ type: "throwsObject" }));
  assert.equal(a.kind === "failed" && a.failure.message.includes('threw "disk full", which is not an Error'), true, JSON.stringify(a));
  assert.equal(b.kind === "failed" && b.failure.message.includes("threw an object (code), which is not an Error"), true);
});

test("an unregistered activity type fails (retryable) naming the registered ones", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, { activities: { alpha: () => 1, beta: () => 2 } });
  const out = await outcome(fake, await fake.push({ type: "gamma" }));
  assert.equal(out.kind, "failed");
  if (out.kind !== "failed") return;
  assert.equal(out.failure.message, 'Activity function gamma is not registered on this Worker, available activities: ["alpha","beta"]');
  assert.equal(out.failure.failureInfo.value && "type" in out.failure.failureInfo.value && out.failure.failureInfo.value.type, "NotFoundError");
  assert.equal(out.failure.failureInfo.case === "applicationFailureInfo" && out.failure.failureInfo.value.nonRetryable, false);
});

test("arguments that cannot be decoded fail the task with the converter's message", async (t) => {
  const fake = await startFakeActivityService(t);
  let called = false;
  startWorker(t, fake, {
    activities: {
      parse: () => {
        called = true;
      },
    },
  });
  const bad = { metadata: { encoding: new TextEncoder().encode("json/plain") }, data: new TextEncoder().encode("{not json") };
  const out = await outcome(fake, await fake.push({ type: "parse", rawInput: [bad as never] }));
  assert.equal(called, false);
  assert.equal(out.kind, "failed");
  if (out.kind !== "failed") return;
  assert.match(out.failure.message, /^Failed to parse activity args for activity parse: .*json/i);
});

test("CompleteAsyncError reports nothing and frees the slot", async (t) => {
  const fake = await startFakeActivityService(t);
  const { worker } = startWorker(t, fake, {
    maxConcurrentActivityTaskExecutions: 1,
    activities: {
      later() {
        throw new CompleteAsyncError();
      },
      now: () => "done",
    },
  });
  const first = await fake.push({ type: "later" });
  const second = await fake.push({ type: "now" });
  // With one slot, the second task only runs once the first gave its slot back.
  await outcome(fake, second);
  assert.equal(fake.outcomes.has(first), false);
  await eventually(() => worker.status().activitiesFinished === 2);
});

test("records sdk-core's activity metrics with its names and labels", async (t) => {
  const fake = await startFakeActivityService(t);
  const records: string[] = [];
  startWorker(t, fake, {
    metrics: recordingMeter(records),
    activities: { ok: () => 1, bad: () => Promise.reject(new Error("no")) },
  });
  await outcome(fake, await fake.push({ type: "ok" }));
  await outcome(fake, await fake.push({ type: "bad" }));
  const has = (re: RegExp) => assert.ok(records.some((r) => re.test(r)), `no record matching ${re} in\n${records.join("\n")}`);
  has(/^temporal_activity_task_received\{activity_type=ok,namespace=default,task_queue=activities,workflow_type=ParentWorkflow\} \+1$/);
  has(/^temporal_activity_schedule_to_start_latency\{activity_type=ok,.*\} ~\d+/);
  has(/^temporal_activity_execution_latency\{activity_type=ok,.*\} ~\d+/);
  has(/^temporal_activity_succeed_endtoend_latency\{activity_type=ok,.*\} ~\d+/);
  has(/^temporal_activity_execution_failed\{activity_type=bad,.*\} \+1$/);
  has(/^temporal_worker_task_slots_available\{namespace=default,task_queue=activities,worker_type=ActivityWorker\} =\d+$/);
  has(/^temporal_num_pollers\{namespace=default,poller_type=activity_task,task_queue=activities\} =10$/);
  assert.ok(!records.some((r) => r.startsWith("temporal_activity_execution_failed{activity_type=ok")));
});

test("poll errors are retried with backoff and the pollers survive", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.failPolls(6, Code.Unavailable);
  const { worker } = startWorker(t, fake, { maxConcurrentActivityTaskPolls: 2, activities: { ok: () => "fine" } });
  const out = await outcome(fake, await fake.push({ type: "ok" }));
  assert.equal(out.kind, "completed");
  assert.ok(worker.status().polls.failed >= 1);
  // Both pollers are back to long-polling.
  await eventually(() => fake.pollsInFlight === 2);
});

test("a poll error no retry can fix stops the worker and run() rejects with it", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.failPolls(100, Code.PermissionDenied);
  const { worker, run } = startWorker(t, fake, { activities: { ok: () => 1 } });
  await assert.rejects(run, /activity worker for task queue activities stopped: .*permission denied/i);
  assert.equal(worker.state, "FAILED");
});

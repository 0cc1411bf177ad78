import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { RecordActivityTaskHeartbeatResponseSchema } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { CancelledFailure, Context, heartbeat, sleep } from "../../src/activity/index.ts";
import { decodeArrayFromPayloads, defaultDataConverter } from "../../src/converter/index.ts";
import { eventually, test } from "../harness.ts";
import { startFakeActivityService } from "./fake-activity-service.ts";
import { startWorker } from "./worker-setup.ts";

const decode = async (payloads: Parameters<typeof decodeArrayFromPayloads>[1]) =>
  (await decodeArrayFromPayloads(defaultDataConverter, payloads))[0];

test("heartbeats are throttled: the first goes out at once, the last is flushed before completion", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    activities: {
      async progress() {
        for (let i = 1; i <= 20; i++) {
          heartbeat(i);
          await new Promise((r) => setTimeout(r, 5));
        }
        return "done";
      },
    },
  });
  // Throttle interval 0.8 × 10 s = 8 s: far longer than the activity runs.
  const token = await fake.push({ type: "progress", heartbeatTimeoutMs: 10_000 });
  const out = await eventually(() => fake.outcomes.get(token));
  assert.equal(out.kind, "completed");
  const beats = fake.heartbeats.filter((h) => h.token === token);
  assert.deepEqual(await Promise.all(beats.map((b) => decode(b.details))), [1, 20]);
  assert.ok((beats[1]?.at ?? Infinity) <= out.at, "the last heartbeat reached the server before the completion");
});

test("within a long activity, pending details are sent once per throttle interval", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    activities: {
      async progress() {
        const end = Date.now() + 700;
        let i = 0;
        while (Date.now() < end) {
          heartbeat(++i);
          await new Promise((r) => setTimeout(r, 10));
        }
        return i;
      },
    },
  });
  // 0.8 × 250 ms = 200 ms between sends, so about 4-5 sends in 700 ms, never one per call.
  const token = await fake.push({ type: "progress", heartbeatTimeoutMs: 250 });
  const out = await eventually(() => fake.outcomes.get(token));
  const calls = (await decode(out.kind === "completed" ? out.result : [])) as number;
  const beats = fake.heartbeats.filter((h) => h.token === token);
  assert.ok(calls > 30, `activity heartbeated ${calls} times`);
  assert.ok(beats.length >= 3 && beats.length <= 7, `${beats.length} heartbeats sent`);
  for (let i = 1; i < beats.length - 1; i++) {
    const gap = (beats[i]?.at ?? 0) - (beats[i - 1]?.at ?? 0);
    assert.ok(gap >= 150, `gap ${gap} ms between heartbeats ${i - 1} and ${i}`);
  }
  assert.equal(await decode(beats.at(-1)?.details ?? []), calls);
});

test("maxHeartbeatThrottleInterval caps the interval", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    maxHeartbeatThrottleInterval: 50,
    activities: {
      async progress() {
        for (let i = 0; i < 40; i++) {
          heartbeat(i);
          await new Promise((r) => setTimeout(r, 10));
        }
      },
    },
  });
  const token = await fake.push({ type: "progress", heartbeatTimeoutMs: 60_000 });
  await eventually(() => fake.outcomes.get(token));
  // ~400 ms at one send per 50 ms rather than one per 48 s.
  assert.ok(fake.heartbeats.length >= 4, `${fake.heartbeats.length} heartbeats`);
});

test("cancel requested in a heartbeat answer: the activity sees it and RespondActivityTaskCanceled is sent", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.onHeartbeat = () => create(RecordActivityTaskHeartbeatResponseSchema, { cancelRequested: true });
  let details: unknown;
  let signalReason: unknown;
  startWorker(t, fake, {
    activities: {
      async waits() {
        const ctx = Context.current();
        heartbeat("started");
        try {
          await ctx.cancelled;
        } finally {
          details = ctx.cancellationDetails;
          signalReason = ctx.cancellationSignal.reason;
        }
      },
    },
  });
  const token = await fake.push({ type: "waits", heartbeatTimeoutMs: 5_000 });
  const out = await eventually(() => fake.outcomes.get(token));
  assert.equal(out.kind, "cancelled");
  assert.equal((details as { cancelRequested: boolean }).cancelRequested, true);
  assert.ok(signalReason instanceof CancelledFailure);
  assert.equal(signalReason.message, "CANCELLED");
});

test("sleep() ends early with CancelledFailure; an activity that ignores cancellation still completes", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.onHeartbeat = () => create(RecordActivityTaskHeartbeatResponseSchema, { cancelRequested: true });
  const started = Date.now();
  startWorker(t, fake, {
    activities: {
      async sleeper() {
        heartbeat();
        await sleep("20s");
      },
      async stubborn() {
        heartbeat();
        await new Promise((r) => setTimeout(r, 100));
        return "finished anyway";
      },
    },
  });
  const a = await fake.push({ type: "sleeper", heartbeatTimeoutMs: 5_000 });
  const b = await fake.push({ type: "stubborn", heartbeatTimeoutMs: 5_000 });
  assert.equal((await eventually(() => fake.outcomes.get(a))).kind, "cancelled");
  assert.ok(Date.now() - started < 10_000);
  assert.equal((await eventually(() => fake.outcomes.get(b))).kind, "completed");
});

test("paused and reset answers fail the attempt with ActivityPause / ActivityReset", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.onHeartbeat = (req) =>
    create(RecordActivityTaskHeartbeatResponseSchema, new TextDecoder().decode(req.taskToken) === "token-1" ? { activityPaused: true } : { activityReset: true });
  const seen: unknown[] = [];
  startWorker(t, fake, {
    activities: {
      async waits() {
        heartbeat();
        try {
          await Context.current().cancelled;
        } finally {
          seen.push(Context.current().cancellationDetails);
        }
      },
    },
  });
  const paused = await fake.push({ type: "waits", heartbeatTimeoutMs: 5_000 });
  const reset = await fake.push({ type: "waits", heartbeatTimeoutMs: 5_000 });
  const p = await eventually(() => fake.outcomes.get(paused));
  const r = await eventually(() => fake.outcomes.get(reset));
  assert.equal(p.kind === "failed" && p.failure.failureInfo.case === "applicationFailureInfo" && p.failure.failureInfo.value.type, "ActivityPause");
  assert.equal(r.kind === "failed" && r.failure.failureInfo.case === "applicationFailureInfo" && r.failure.failureInfo.value.type, "ActivityReset");
  assert.ok(seen.some((d) => (d as { paused: boolean }).paused));
  assert.ok(seen.some((d) => (d as { reset: boolean }).reset));
});

test("NotFound on a heartbeat cancels the activity and nothing is reported", async (t) => {
  const fake = await startFakeActivityService(t);
  fake.onHeartbeat = () => {
    throw new ConnectError("workflow execution already completed", Code.NotFound);
  };
  let reason: unknown;
  const { worker } = startWorker(t, fake, {
    activities: {
      async orphan() {
        heartbeat();
        try {
          await Context.current().cancelled;
        } catch (err) {
          reason = (err as Error).message;
          throw err;
        }
      },
    },
  });
  const token = await fake.push({ type: "orphan", heartbeatTimeoutMs: 5_000 });
  await eventually(() => worker.status().activitiesFinished === 1);
  assert.equal(reason, "NOT_FOUND");
  assert.equal(fake.outcomes.has(token), false);
});

test("a heartbeat timeout without heartbeats cancels the activity locally with TIMED_OUT", async (t) => {
  const fake = await startFakeActivityService(t);
  let details: unknown;
  const { worker } = startWorker(t, fake, {
    localTimeoutBuffer: 50,
    activities: {
      async silent() {
        try {
          await sleep("30s");
        } finally {
          details = Context.current().cancellationDetails;
        }
      },
    },
  });
  const token = await fake.push({ type: "silent", heartbeatTimeoutMs: 150 });
  await eventually(() => worker.status().activitiesFinished === 1);
  assert.equal((details as { timedOut: boolean }).timedOut, true);
  // The server already timed the attempt out: a report would only get NotFound.
  assert.equal(fake.outcomes.has(token), false);
});

test("heartbeats keep the local heartbeat timeout from firing", async (t) => {
  const fake = await startFakeActivityService(t);
  startWorker(t, fake, {
    localTimeoutBuffer: 50,
    activities: {
      async busy() {
        for (let i = 0; i < 10; i++) {
          heartbeat(i);
          await sleep(60);
        }
        return "ok";
      },
    },
  });
  // 600 ms of work against a 200 ms heartbeat timeout (+50 ms buffer), heartbeating every 60 ms.
  const token = await fake.push({ type: "busy", heartbeatTimeoutMs: 200 });
  assert.equal((await eventually(() => fake.outcomes.get(token))).kind, "completed");
});

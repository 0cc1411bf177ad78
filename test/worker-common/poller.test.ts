import assert from "node:assert/strict";
import { Code, ServiceError } from "../../src/common/errors.ts";
import type { Logger } from "../../src/logging/types.ts";
import { createPoller } from "../../src/worker/common/poller.ts";
import { createRateLimiter } from "../../src/worker/common/rate-limiter.ts";
import { createSlotSupplier, type SlotPermit } from "../../src/worker/common/slots.ts";
import { eventually, test } from "../harness.ts";

const quiet: Logger = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

test("slots: taken up to the maximum, then waiters are served in order as permits come back", async () => {
  const slots = createSlotSupplier(2);
  const a = await slots.acquire();
  await slots.acquire();
  assert.equal(slots.available, 0);
  const order: string[] = [];
  const w1 = slots.acquire().then((p) => (order.push("w1"), p));
  const w2 = slots.acquire().then((p) => (order.push("w2"), p));
  a.release();
  a.release(); // a second release of the same permit does nothing
  await w1;
  assert.deepEqual(order, ["w1"]);
  assert.equal(slots.used, 2);
  (await w1).release();
  await w2;
  assert.deepEqual(order, ["w1", "w2"]);
});

test("slots: an aborted wait gives up without taking a slot", async () => {
  const slots = createSlotSupplier(1);
  const held = await slots.acquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(waiting, /stop/);
  held.release();
  assert.equal(slots.used, 0);
  assert.throws(() => createSlotSupplier(0), /positive integer/);
});

test("rate limiter: starts are spaced by 1/rate, the first is immediate", async () => {
  const limiter = createRateLimiter(20);
  const t0 = Date.now();
  await limiter.acquire();
  const first = Date.now() - t0;
  await Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]);
  const total = Date.now() - t0;
  assert.ok(first < 30, `first start waited ${first} ms`);
  // Three more starts at 20/s: at least 3 × 50 ms (timer slack allowed).
  assert.ok(total >= 140, `four starts took ${total} ms`);
  assert.throws(() => createRateLimiter(0), /positive number of tasks per second/);
});

function fakePolls() {
  const waiters: Array<{ resolve: (v: string | undefined) => void; reject: (e: unknown) => void }> = [];
  let inFlight = 0;
  let calls = 0;
  let failNext = 0;
  let failWith: unknown;
  return {
    get inFlight() {
      return inFlight;
    },
    get calls() {
      return calls;
    },
    failNext(n: number, err: unknown) {
      failNext = n;
      failWith = err;
    },
    deliver(task: string | undefined) {
      waiters.shift()?.resolve(task);
    },
    poll(signal: AbortSignal): Promise<string | undefined> {
      calls++;
      if (failNext > 0) {
        failNext--;
        return Promise.reject(failWith);
      }
      inFlight++;
      return new Promise<string | undefined>((resolve, reject) => {
        const onAbort = () => {
          const i = waiters.indexOf(entry);
          if (i >= 0) waiters.splice(i, 1);
          inFlight--;
          reject(signal.reason);
        };
        const entry = {
          resolve: (v: string | undefined) => {
            signal.removeEventListener("abort", onAbort);
            inFlight--;
            resolve(v);
          },
          reject,
        };
        waiters.push(entry);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

test("poller: runs `concurrency` polls, each holding a slot; tasks keep their slot until released", async (t) => {
  const polls = fakePolls();
  const slots = createSlotSupplier(4);
  const handled: Array<[string, SlotPermit]> = [];
  let empty = 0;
  const poller = createPoller({
    name: "test",
    concurrency: 3,
    slots,
    poll: (s) => polls.poll(s),
    handle: (task, permit) => handled.push([task, permit]),
    logger: quiet,
    onEmptyPoll: () => empty++,
  });
  poller.start();
  t.defer(() => poller.stop());
  await eventually(() => polls.inFlight === 3);
  assert.equal(slots.used, 3);
  polls.deliver(undefined);
  await eventually(() => empty === 1 && polls.inFlight === 3);
  polls.deliver("t1");
  polls.deliver("t2");
  await eventually(() => handled.length === 2);
  // Two slots held by tasks, two free for polls: only two polls can run now.
  await eventually(() => polls.inFlight === 2 && slots.used === 4);
  assert.equal(poller.status.succeeded, 2);
  assert.equal(poller.status.empty, 1);
  handled[0]?.[1].release();
  await eventually(() => polls.inFlight === 3);
  await poller.stop();
  assert.equal(polls.inFlight, 0);
  assert.equal(slots.used, 1, "only the task still running holds a slot");
});

test("poller: each poll loop has its own signal, so many pollers do not pile listeners onto one", async () => {
  const signals = new Set<AbortSignal>();
  const poller = createPoller({
    name: "test",
    concurrency: 30,
    slots: createSlotSupplier(30),
    poll: (signal) =>
      new Promise<undefined>((_, reject) => {
        signals.add(signal);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    handle: () => {},
    logger: quiet,
  });
  poller.start();
  await eventually(() => signals.size === 30);
  await poller.stop();
  assert.ok([...signals].every((s) => s.aborted), "stop() aborts every loop's signal");
});

test("poller: errors are retried with backoff and every poller comes back", async (t) => {
  const polls = fakePolls();
  const warnings: string[] = [];
  polls.failNext(6, new ServiceError("frontend restarting", Code.Unavailable));
  const poller = createPoller({
    name: "test",
    concurrency: 2,
    slots: createSlotSupplier(10),
    poll: (s) => polls.poll(s),
    handle: () => {},
    logger: { ...quiet, warn: (m) => warnings.push(m) },
    backoff: { initialMs: 5, multiplier: 2, maxMs: 40, jitter: 0 },
  });
  poller.start();
  t.defer(() => poller.stop());
  await eventually(() => polls.inFlight === 2);
  assert.equal(poller.status.failed, 6);
  assert.match(warnings[0] ?? "", /test poll failed; retrying in \d+ ms/);
});

test("poller: an error retrying cannot fix stops all pollers and is reported once", async () => {
  const polls = fakePolls();
  polls.failNext(100, new ServiceError("namespace nope not found", Code.NotFound));
  const fatal: unknown[] = [];
  const poller = createPoller({
    name: "test",
    concurrency: 4,
    slots: createSlotSupplier(10),
    poll: (s) => polls.poll(s),
    handle: () => {},
    logger: quiet,
    onFatal: (err) => fatal.push(err),
  });
  poller.start();
  await eventually(() => fatal.length === 1);
  await poller.stop();
  assert.equal(fatal.length, 1);
  assert.ok(polls.calls <= 4, `${polls.calls} polls made after a fatal error`);
});

test("poller: rate limiting applies before each poll", async (t) => {
  const polls = fakePolls();
  const poller = createPoller({
    name: "test",
    concurrency: 5,
    slots: createSlotSupplier(10),
    rateLimiter: createRateLimiter(5),
    poll: (s) => polls.poll(s),
    handle: () => {},
    logger: quiet,
  });
  poller.start();
  t.defer(() => poller.stop());
  await eventually(() => polls.inFlight >= 1);
  // At 5/s the second poll cannot start before 200 ms have passed.
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(polls.calls, 1);
  await eventually(() => polls.calls === 2, { timeoutMs: 2_000 });
});

// The readiness rule the real workers needed (found by lifecycle.test.ts and
// many-queues.test.ts): an idle entity, whose long polls wait on an empty
// queue, is ready once the server probe answers; and a poll failure left
// over from an outage does not keep the process unready after the server is
// back. Without a probe, each entity's latest poll must have been answered.
import assert from "node:assert/strict";
import { createLogger } from "../../src/logging/logger.ts";
import type { EntityStatus, WorkerEntity } from "../../src/process/entity.ts";
import { createWorkerProcess } from "../../src/process/host.ts";
import type { ServerStatus } from "../../src/process/server-probe.ts";
import { createServerProbe } from "../../src/process/server-probe.ts";
import { eventually, test } from "../harness.ts";

function entity(taskQueue: string, status: () => Partial<EntityStatus>): WorkerEntity {
  let stop: (() => void) | undefined;
  let state: EntityStatus["state"] = "INITIALIZED";
  return {
    taskQueue,
    roles: ["workflow"],
    run: () => {
      state = "RUNNING";
      return new Promise<void>((resolve) => (stop = resolve));
    },
    shutdown: () => {
      state = "STOPPED";
      stop?.();
    },
    getState: () => state,
    getStatus: () => ({ state, polling: state === "RUNNING", lastPollOk: undefined, ...status() }),
  };
}

const logger = createLogger({ write: () => {}, format: "json" });

test("readiness: polls waiting or stale are fine while the server probe answers; not without it", async () => {
  let lastPollOk: boolean | undefined;
  let server: ServerStatus = { reachable: false, lastError: "cannot reach Temporal" };
  const proc = createWorkerProcess({
    entities: [entity("a", () => ({ lastPollOk }))],
    logger,
    shutdownGraceTimeMs: 100,
    shutdownForceTimeMs: 100,
    server: () => server,
  });
  const outcome = proc.run();
  assert.equal(proc.readiness().ready, false, "no verdict from the polls, the server does not answer");
  assert.deepEqual(proc.readiness().server, { reachable: false, lastError: "cannot reach Temporal" });
  server = { reachable: true };
  assert.equal(proc.readiness().ready, true, "idle polls, server answers");
  lastPollOk = false;
  assert.equal(proc.readiness().ready, true, "a failure from before the server came back");
  server = { reachable: false, lastError: "down again" };
  assert.equal(proc.readiness().ready, false, "failing polls and no answer from the server");
  lastPollOk = true;
  assert.equal(proc.readiness().ready, true, "the polls themselves are answered");
  proc.shutdown("test");
  assert.equal(proc.readiness().ready, false);
  assert.equal((await outcome).exitCode, 0);
});

test("the server probe reports failures, recovers, and logs transitions rather than every retry", async () => {
  const lines: Array<{ level: string; message: string }> = [];
  let failing = true;
  let checks = 0;
  const probe = createServerProbe({
    address: "127.0.0.1:1",
    logger: createLogger({ write: (l) => lines.push(JSON.parse(l)), format: "json" }),
    intervalMs: 5,
    backoff: { initialMs: 5, multiplier: 1, maxMs: 5, jitter: 0 },
    check: async () => {
      checks++;
      if (failing) throw new Error("cannot reach Temporal at 127.0.0.1:1 (connection refused)");
    },
  });
  const running = probe.run();
  await eventually(() => checks >= 4);
  assert.deepEqual(probe.status(), { reachable: false, lastError: "cannot reach Temporal at 127.0.0.1:1 (connection refused)" });
  failing = false;
  await eventually(() => probe.status().reachable);
  failing = true;
  await eventually(() => !probe.status().reachable);
  failing = false;
  await eventually(() => probe.status().reachable);
  probe.stop();
  await running;
  assert.deepEqual(
    lines.map((l) => `${l.level} ${l.message.replace(/: cannot reach.*/, "")}`),
    [
      "WARN the Temporal Service at 127.0.0.1:1 does not answer",
      "INFO the Temporal Service at 127.0.0.1:1 answered",
      "WARN the Temporal Service at 127.0.0.1:1 does not answer",
      "INFO the Temporal Service at 127.0.0.1:1 answers again",
    ],
  );
});

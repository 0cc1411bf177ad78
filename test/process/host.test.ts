import assert from "node:assert/strict";
import { createLogger } from "../../src/logging/logger.ts";
import { createWorkerProcess, type ProcessState } from "../../src/process/host.ts";
import { handleShutdownSignals } from "../../src/process/signals.ts";
import { eventually, test } from "../harness.ts";
import { createFakeEntity } from "./fake-entity.ts";

function quietLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (l) => lines.push(l), format: "json", level: "DEBUG" }) };
}

test("readiness moves STARTING -> RUNNING (ready once polled) -> 503 first on shutdown -> STOPPED, exit 0", async () => {
  const a = createFakeEntity({ taskQueue: "orders", firstPollMs: 30, drainMs: 60 });
  const b = createFakeEntity({ taskQueue: "emails", roles: ["workflow", "activity"], firstPollMs: 5 });
  const seen: ProcessState[] = [];
  let closed = false;
  const { logger } = quietLogger();
  const proc = createWorkerProcess({
    entities: [a, b],
    logger,
    shutdownGraceTimeMs: 1_000,
    shutdownForceTimeMs: 1_000,
    close: async () => {
      closed = true;
    },
    onStateChange: (s) => seen.push(s),
  });
  assert.deepEqual(proc.readiness().ready, false);
  assert.equal(proc.readiness().state, "STARTING");
  const outcome = proc.run();
  const early = proc.readiness();
  assert.equal(early.state, "RUNNING");
  assert.equal(early.ready, false, "not ready before every entity's first poll answered");
  await eventually(() => proc.readiness().ready);
  const report = proc.readiness();
  assert.deepEqual(
    report.entities.map((e) => [e.taskQueue, e.roles.join("+"), e.state, e.polling, e.lastPollOk]),
    [
      ["orders", "activity", "RUNNING", true, true],
      ["emails", "workflow+activity", "RUNNING", true, true],
    ],
  );
  proc.shutdown("test");
  // Readiness turns false synchronously, before any entity has even moved.
  assert.equal(proc.readiness().ready, false);
  assert.equal(proc.readiness().state, "STOPPING");
  assert.equal(a.shutdownCalls, 1);
  await eventually(() => proc.state === "DRAINING");
  assert.equal(proc.readiness().ready, false);
  const result = await outcome;
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.failures, []);
  assert.deepEqual(seen, ["RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"]);
  assert.ok(closed, "the shared connection is closed between DRAINED and STOPPED");
  assert.deepEqual(a.states, ["INITIALIZED", "RUNNING", "STOPPING", "DRAINING", "DRAINED", "STOPPED"]);
  proc.shutdown("again");
  assert.equal(a.shutdownCalls, 1, "a second shutdown is ignored");
});

test("a failing entity is reported, the others drain, exit code 1", async () => {
  const ok = createFakeEntity({ taskQueue: "fine" });
  const bad = createFakeEntity({ taskQueue: "broken", failAfterMs: 40 });
  const { logger, lines } = quietLogger();
  const proc = createWorkerProcess({ entities: [ok, bad], logger, shutdownGraceTimeMs: 1_000, shutdownForceTimeMs: 1_000 });
  const result = await proc.run();
  assert.equal(result.exitCode, 1);
  assert.deepEqual(result.failures, [{ taskQueue: "broken", error: "poller for broken gave up: PermissionDenied" }]);
  assert.equal(ok.shutdownCalls, 1, "the healthy entity was shut down, not left running");
  assert.equal(ok.getState(), "STOPPED");
  const report = proc.readiness();
  assert.equal(report.ready, false);
  assert.equal(report.state, "FAILED");
  assert.deepEqual(report.failures.map((f) => f.taskQueue), ["broken"]);
  const errorLine = lines.map((l) => JSON.parse(l)).find((l) => l.message === "worker entity failed");
  assert.equal(errorLine?.level, "ERROR");
  assert.equal(errorLine?.taskQueue, "broken");
});

test("an entity that stops by itself counts as a failure", async () => {
  const quitter = createFakeEntity({ taskQueue: "quitter" });
  const { logger } = quietLogger();
  const proc = createWorkerProcess({ entities: [quitter], logger, shutdownGraceTimeMs: 100, shutdownForceTimeMs: 100 });
  const outcome = proc.run();
  // Drive the fake to stop as if its own poller ended, without the process asking.
  quitter.shutdown();
  const result = await outcome;
  assert.equal(result.exitCode, 1);
  assert.match(result.failures[0]?.error ?? "", /stopped without a shutdown request/);
});

test("a drain that outlasts grace + force time fails the process with the stuck entity named", async () => {
  const stuck = createFakeEntity({ taskQueue: "slow", hang: true });
  const { logger, lines } = quietLogger();
  const proc = createWorkerProcess({ entities: [stuck], logger, shutdownGraceTimeMs: 80, shutdownForceTimeMs: 40 });
  const outcome = proc.run();
  await eventually(() => proc.readiness().ready);
  const t0 = Date.now();
  proc.shutdown("test");
  const result = await outcome;
  const took = Date.now() - t0;
  assert.ok(took >= 110, `waited the grace and force time (${took} ms)`);
  assert.equal(result.exitCode, 1);
  assert.equal(result.failures[0]?.taskQueue, "slow");
  assert.match(result.failures[0]?.error ?? "", /did not drain within 120 ms \(state DRAINING\)/);
  assert.equal(proc.state, "FAILED");
  assert.ok(lines.some((l) => l.includes("did not drain in time")));
});

test("first signal drains, second forces exit with 128+signal", async () => {
  let handler: ((s: "SIGINT" | "SIGTERM") => void) | undefined;
  const exits: number[] = [];
  const platform = {
    onShutdownSignal(h: (s: "SIGINT" | "SIGTERM") => void) {
      handler = h;
      return () => {
        handler = undefined;
      };
    },
    exit(code: number): never {
      exits.push(code);
      return undefined as never;
    },
  };
  const entity = createFakeEntity({ taskQueue: "q", hang: true });
  const { logger } = quietLogger();
  const proc = createWorkerProcess({ entities: [entity], logger, shutdownGraceTimeMs: 50, shutdownForceTimeMs: 10 });
  const remove = handleShutdownSignals(platform, proc, logger);
  const outcome = proc.run();
  handler?.("SIGTERM");
  assert.equal(proc.state, "STOPPING");
  assert.deepEqual(exits, []);
  handler?.("SIGINT");
  assert.deepEqual(exits, [130]);
  remove();
  assert.equal(handler, undefined);
  await outcome;
});

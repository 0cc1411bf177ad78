// Issue 6 acceptance: this project's activity worker, in this process on the
// suite's runtime, serves the activities of workflows that the OFFICIAL
// client starts and the OFFICIAL worker runs (in-process on Node, in a Node
// child process on Bun and Deno), all on the dev server. The Node side checks
// workflow results and histories (official-scenarios.ts); each test here
// then checks what our activities observed.
import assert from "node:assert/strict";
import { connect } from "../../src/connection/connection.ts";
import type { DevServer } from "../../src/testing/index.ts";
import { type ActivityWorker, createActivityWorker } from "../../src/worker/activity/activity-worker.ts";
import type { ActivityWorkerOptions } from "../../src/worker/activity/options.ts";
import { currentRuntime, eventually, type TestContext, test } from "../harness.ts";
import { collectingLogger, type LogLine } from "../activity/worker-setup.ts";
import type { ScenarioResult } from "../support/official/scenario.ts";
import { runtimePlatform } from "../support/platform.ts";
import { createActivities, createRecorder, createShutdownActivities, type Observation, type Recorder } from "./activities.ts";
import { e2eNames, ourIdentityPrefix, registeredActivityTypes, type ScenarioName, scenarioNames, shutdownGraceMs, shutdownWork } from "./names.ts";
import { startPeerDevServer } from "../support/peer-dev-server.ts";

const platform = await runtimePlatform();
const runtime = currentRuntime();

interface Started {
  worker: ActivityWorker;
  run: Promise<void>;
  logs: LogLine[];
}

/** What worker A's shutdown looked like from this side. */
interface ShutdownRecord {
  runningAtShutdown: number;
  /** The shutdown scenario's observations when worker A's run() resolved. */
  whenRunResolved: Observation[];
  workerB: Started;
}

interface SharedRun {
  names: ReturnType<typeof e2eNames>;
  recorder: Recorder;
  main: Started;
  results: Map<string, Promise<ScenarioResult>>;
  shutdown: Promise<ShutdownRecord>;
  asyncCompletion: Promise<void>;
  close(): Promise<void>;
}

let shared: Promise<SharedRun> | undefined;
let remaining = scenarioNames.length;

async function runtimeEntries() {
  if (runtime === "bun") return Promise.all([import("../../src/adapters/bun/testing.ts"), import("../../src/adapters/bun/client.ts")]);
  if (runtime === "deno") return Promise.all([import("../../src/adapters/deno/testing.ts"), import("../../src/adapters/deno/client.ts")]);
  return Promise.all([import("../../src/adapters/node/testing.ts"), import("../../src/adapters/node/client.ts")]);
}

async function startRun(): Promise<SharedRun> {
  const [, clientModule] = await runtimeEntries();
  const server: DevServer = await startPeerDevServer();
  const names = e2eNames(server.port);
  const connection = connect({ address: server.address }, platform);
  const recorder = createRecorder();
  const started: Started[] = [];

  const startWorker = (options: Pick<ActivityWorkerOptions, "taskQueue" | "activities" | "identity"> & Partial<ActivityWorkerOptions>): Started => {
    const logs: LogLine[] = [];
    const worker = createActivityWorker({ connection, platform, logger: collectingLogger(logs), ...options });
    const run = worker.run();
    run.catch(() => {});
    const s = { worker, run, logs };
    started.push(s);
    return s;
  };

  const main = startWorker({
    taskQueue: names.activityQueue,
    identity: `${ourIdentityPrefix}-main@${runtime}`,
    activities: createActivities(recorder),
    // The worker's own deadline past the server's heartbeat timeout: short, so the heartbeat timeout scenario sees it soon.
    localTimeoutBuffer: "500ms",
  });

  const shutdown = (async (): Promise<ShutdownRecord> => {
    const workerA = startWorker({
      taskQueue: names.shutdownQueue,
      identity: `${ourIdentityPrefix}-A@${runtime}`,
      activities: createShutdownActivities(recorder),
      shutdownGraceTime: shutdownGraceMs,
    });
    await eventually(() => workerA.worker.status().activitiesRunning === shutdownWork.length, {
      timeoutMs: 40_000,
      message: "worker A did not get the shutdown scenario's activities",
    });
    const runningAtShutdown = workerA.worker.status().activitiesRunning;
    workerA.worker.shutdown();
    await workerA.run;
    const whenRunResolved = recorder.of(names.workflowId("shutdown with activities in flight"));
    // Only now does a second worker serve the queue: the server must retry the cancelled activities there.
    const workerB = startWorker({
      taskQueue: names.shutdownQueue,
      identity: `${ourIdentityPrefix}-B@${runtime}`,
      activities: createShutdownActivities(recorder),
    });
    return { runningAtShutdown, whenRunResolved, workerB };
  })();
  shutdown.catch(() => {});

  const client = new clientModule.Client({ connection: await clientModule.Connection.connect({ address: server.address }) });
  const asyncCompletion = (async () => {
    const workflowId = names.workflowId("async completion");
    const token = await eventually(() => recorder.asyncTokens.get(workflowId), { timeoutMs: 40_000, message: "no task token from completesLater" });
    await client.activity.heartbeat(token, "half way");
    await client.activity.complete(token, { completedBy: "AsyncCompletionClient" });
  })();
  asyncCompletion.catch(() => {});

  const addresses = { normal: server.address };
  let results: Map<string, Promise<ScenarioResult>>;
  let stopScenarios: () => Promise<void>;
  if (runtime === "node") {
    const { runScenarios } = await import("../support/official/run-scenarios.ts");
    const run = runScenarios(await import("./official-scenarios.ts"), addresses);
    results = run.results;
    stopScenarios = () => run.done;
  } else {
    const { runScenariosInNode } = await import("../support/official/child-runner.ts");
    const run = runScenariosInNode("test/activity-e2e/official-scenarios.js", scenarioNames, addresses);
    results = run.results;
    stopScenarios = async () => {
      // Killed, not left to close its sessions gracefully: see close() below.
      run.kill();
      await run.done;
    };
  }

  return {
    names,
    recorder,
    main,
    results,
    shutdown,
    asyncCompletion,
    async close() {
      for (const s of started) if (s.worker.state === "RUNNING") s.worker.shutdown();
      await Promise.all(started.map((s) => s.run.catch(() => undefined)));
      // Our sessions end before the server's: Deno 2.9's node:http2 can abort the process (nghttp2
      // `find_stream_on_goaway_func` assertion) when a GOAWAY reaches a session with streams still
      // open, so we close ours first and the server (Node-hosted on Deno, see peer-dev-server.ts) after.
      await client.connection.close();
      await connection.close();
      await server.close();
      await stopScenarios();
    },
  };
}

/** Registers the test of one scenario: the Node side's verdict first, then `check` on this side. */
function scenario(name: ScenarioName, check: (run: SharedRun, workflowId: string, t: TestContext) => Promise<void> = async () => {}): void {
  test(
    `activity worker with the official client and worker: ${name}`,
    async (t) => {
      shared ??= startRun();
      // The last scenario test to finish closes the servers, workers and the official SDK.
      t.defer(async () => {
        remaining--;
        if (remaining === 0) await (await shared)?.close();
      });
      const run = await shared;
      const result = await run.results.get(name);
      if (result === undefined) throw new Error(`scenario "${name}" was not run`);
      if (!result.ok) throw new Error(`the official side failed after ${result.ms} ms:\n${result.error}`);
      await check(run, run.names.workflowId(name), t);
    },
    { timeoutMs: 60_000 },
  );
}

/** The one cancellation our activity observed in `workflowId`, waiting for it to arrive. */
async function cancellationOf(recorder: Recorder, workflowId: string): Promise<Observation> {
  return eventually(() => recorder.of(workflowId).find((o) => o.event === "cancelled"), {
    message: `no cancellation observed by the activity of ${workflowId}`,
  });
}

scenario("success");
scenario("retries then success");
scenario("non-retryable failure");
scenario("heartbeat details reach the next attempt");

scenario("heartbeat timeout", async ({ recorder }, workflowId) => {
  // The server timed attempt 1 out; our worker's own deadline then cancelled it, and reported nothing.
  const observed = await cancellationOf(recorder, workflowId);
  assert.equal(observed.attempt, 1);
  assert.equal(observed.reason, "TIMED_OUT");
  assert.equal(observed.details?.timedOut, true);
});

scenario("cancellation TRY_CANCEL", async ({ recorder }, workflowId) => {
  const observed = await cancellationOf(recorder, workflowId);
  assert.equal(observed.reason, "CANCELLED");
  assert.equal(observed.details?.cancelRequested, true);
});

scenario("cancellation WAIT_CANCELLATION_COMPLETED", async ({ recorder }, workflowId) => {
  const observed = await cancellationOf(recorder, workflowId);
  assert.equal(observed.reason, "CANCELLED");
  assert.equal(observed.details?.cancelRequested, true);
});

scenario("cancellation ABANDON", async ({ recorder, main }, workflowId) => {
  // Never asked to cancel: the activity runs on until its heartbeat finds the workflow closed.
  const observed = await cancellationOf(recorder, workflowId);
  assert.equal(observed.reason, "NOT_FOUND");
  assert.equal(observed.details?.cancelRequested, false);
  assert.equal(observed.details?.notFound, true);
  const skipped = await eventually(() =>
    main.logs.find((l) => l.message.startsWith("Activity is no longer known to the server") && l.meta?.workflowId === workflowId),
  );
  assert.equal(skipped.meta?.outcome, "cancelled");
});

scenario("async completion", async ({ asyncCompletion }) => {
  await asyncCompletion;
});

scenario("shutdown with activities in flight", async ({ shutdown }) => {
  const record = await shutdown;
  assert.equal(record.runningAtShutdown, shutdownWork.length);
  // run() resolved only once every activity had ended: quick ones finished within the grace time, slow ones were cancelled.
  const ended = record.whenRunResolved.filter((o) => o.event !== "started");
  assert.deepEqual(
    ended.map((o) => o.event).sort(),
    shutdownWork.map((ms) => (ms < shutdownGraceMs ? "finished" : "cancelled")).sort(),
  );
  for (const o of ended.filter((e) => e.event === "cancelled")) {
    assert.equal(o.reason, "WORKER_SHUTDOWN");
    assert.equal(o.details?.workerShutdown, true);
  }
  assert.equal(record.workerB.worker.status().activitiesFinished, shutdownWork.filter((ms) => ms >= shutdownGraceMs).length);
});

scenario("unregistered activity type", async ({ main }) => {
  // The Node side expects exactly `registeredActivityTypes` in the message; keep it in step with the worker.
  assert.deepEqual([...main.worker.options.activities.keys()], [...registeredActivityTypes]);
});

// The Worker facade: Worker.create's validation, the parts it builds, its
// lifecycle and status, replay through Worker.runReplayHistory, and the
// in-process `workflows` option, against the dev server.
import assert from "node:assert/strict";
import { Worker } from "../../src/worker/worker.ts";
import { eventually, test } from "../harness.ts";
import * as activities from "./fixtures/activities.ts";
import * as workflows from "./fixtures/workflows.ts";
import { fileURLToPath } from "node:url";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { fetchHistory, newTaskQueue, officialClient, openConnection, platform, startDevServer, startOurWorker, workflowsPath } from "./support.ts";

test("Worker.create refuses bad options, naming the field", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const base = { connection, platform, taskQueue: "q", activities };
  await assert.rejects(Worker.create({ ...base, taskQueue: "" }), /invalid worker options: taskQueue: must not be empty/);
  await assert.rejects(Worker.create({ ...base, activities: { a: 1 as never } }), /activities\.a: must be a function/);
  await assert.rejects(Worker.create({ connection, platform, taskQueue: "q" }), /nothing to do: give workflowsPath \(or workflows\), activities, or both/);
  await assert.rejects(Worker.create({ ...base, workflowsPath, workflows }), /workflowsPath and workflows: give one of them/);
  await assert.rejects(Worker.create({ ...base, workflowsPath, maxCachedWorkflows: -1 }), /maxCachedWorkflows: must be 0 \(no cache\) or more/);
  await assert.rejects(Worker.create({ ...base, maxConcurrentActivityTaskExecutions: 0 }), /maxConcurrentActivityTaskExecutions: must be at least 1/);
  await assert.rejects(Worker.create({ ...base, deadlockTimeout: "soon" }), /deadlockTimeout: must be milliseconds or a duration string/);
  await assert.rejects(Worker.create({ ...base, maxCachedWorkflow: 3 } as never), /maxCachedWorkflow: unknown option/);
  await assert.rejects(
    Worker.create({ ...base, workflowsPath, dataConverter: { payloadConverter: { toPayload: () => ({}) as never, fromPayload: () => 1 as never } } }),
    /payloadConverter and dataConverter\.failureConverter cannot be used with workflowsPath: .*give its path as dataConverter\.payloadConverterPath/,
  );
  await assert.rejects(
    Worker.create({ ...base, workflowsPath, dataConverter: { payloadConverterPath: workflowsPath } }),
    /dataConverter\.payloadConverterPath: .* must export `payloadConverter` with toPayload and fromPayload methods/,
  );
});

test("workflow-only, activity-only and combined workers; state and status through the lifecycle", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const workflowOnly = await Worker.create({ connection, platform, taskQueue: "a", workflowsPath });
  const activityOnly = await Worker.create({ connection, platform, taskQueue: "b", activities });
  assert.deepEqual(workflowOnly.roles, ["workflow"]);
  assert.deepEqual(activityOnly.roles, ["activity"]);
  assert.equal(workflowOnly.getStatus().activity, undefined);
  assert.equal(activityOnly.getStatus().workflow, undefined);
  // Nothing polled yet: shutting them down is an error, and they are simply dropped.
  assert.throws(() => workflowOnly.shutdown(), /not running: call run\(\) before shutdown\(\)/);

  const taskQueue = newTaskQueue("facade");
  const ours = await startOurWorker(t, connection, taskQueue);
  assert.deepEqual(ours.worker.roles, ["workflow", "activity"]);
  assert.equal(ours.worker.getState(), "RUNNING");
  await eventually(() => (ours.worker.getStatus().workflow?.polls.normal.inFlight ?? 0) > 0 && (ours.worker.getStatus().activity?.polls.inFlight ?? 0) > 0);
  const status = ours.worker.getStatus();
  // Long polls are waiting on the server: no answer yet, so no verdict either.
  assert.equal(status.lastPollOk, undefined);
  assert.equal(status.polling, true);
  assert.equal(status.taskQueue, taskQueue);
  assert.ok(status.workflow?.stickyQueue?.includes(taskQueue));
  assert.equal(status.activity?.taskQueue, taskQueue);
  await assert.rejects(ours.worker.run(), /already run/);
  ours.worker.shutdown();
  assert.ok(["STOPPING", "DRAINING", "DRAINED"].includes(ours.worker.getState()), ours.worker.getState());
  await ours.run;
  assert.equal(ours.worker.getState(), "STOPPED");
  assert.equal(ours.worker.getStatus().polling, false);
});

test("run() rejects when polling hits an error no retry fixes, after shutting the other part down", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const ours = await startOurWorker(t, connection, newTaskQueue("fatal"), { namespace: "no-such-namespace" });
  await assert.rejects(ours.run, /no-such-namespace|namespace/i);
  assert.equal(ours.worker.getState(), "FAILED");
  assert.match(ours.worker.getStatus().lastError ?? "", /namespace/i);
});

test("Worker.runReplayHistory replays what this worker recorded, and reports [TMPRL1100] for changed code", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("replay");
  const ours = await startOurWorker(t, connection, taskQueue);
  const outcome = await officialClient(server.address, taskQueue, "timers");
  await ours.stop();
  const workflowId = outcome.workflowIds[0] ?? "";
  const history = await fetchHistory(connection, workflowId);
  await Worker.runReplayHistory({ workflows, platform }, history, workflowId);
  // The same history against code that now runs an activity where a timer was.
  const changed = { timers: workflows.withActivities };
  await assert.rejects(Worker.runReplayHistory({ workflows: changed, platform }, history, workflowId), /\[TMPRL1100\]/);
  const results = [];
  for await (const r of Worker.runReplayHistories({ workflows, platform }, [{ history, workflowId }, { history, workflowId: "again" }])) results.push(r);
  assert.deepEqual(results.map((r) => [r.workflowId, r.error]), [[workflowId, undefined], ["again", undefined]]);
});

test("workflows given as a module object run in-process", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("in-process");
  const ours = await startOurWorker(t, connection, taskQueue, { workflowsPath: undefined, workflows } as never);
  const outcome = await officialClient(server.address, taskQueue, "activities");
  assert.deepEqual(outcome.value, ["Hello, Ada!", 3]);
  await ours.stop();
});

/** A module's path: the .js build on Node (threads import it), the source on Bun and Deno. */
const fixturePath = (relative: string) =>
  fileURLToPath(new URL(import.meta.url.endsWith(".js") ? `${relative}.js` : `${relative}.ts`, import.meta.url));

test("dataConverter.payloadConverterPath, interceptors.workflowModules and sinks reach the workflow threads; activities use the same converter", async (t) => {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue("wiring");
  const started: unknown[] = [];
  const ours = await startOurWorker(t, connection, taskQueue, {
    dataConverter: { payloadConverterPath: fixturePath("../workflow/fixtures/reversing-converter") },
    interceptors: { workflowModules: [fixturePath("./fixtures/sink-interceptors")] },
    sinks: {
      starts: {
        started: { fn: (info: { workflowType: string }, type: unknown, args: unknown) => void started.push([info.workflowType, type, args]) },
      },
    } as never,
  });
  const outcome = await officialClient(server.address, taskQueue, "activities");
  await ours.stop();
  // The workflow thread decoded what the main thread's activity worker encoded with the same custom converter.
  assert.deepEqual(outcome.value, ["Hello, Ada!", 3]);
  assert.deepEqual(started, [["withActivities", "withActivities", ["Ada"]]]);
  const history = await fetchHistory(connection, outcome.workflowIds[0] ?? "");
  const greeted = history.events.find((e) => e.eventType === EventType.ACTIVITY_TASK_COMPLETED);
  const payload = greeted?.attributes.case === "activityTaskCompletedEventAttributes" ? greeted.attributes.value.result?.payloads[0] : undefined;
  assert.equal(new TextDecoder().decode(payload?.metadata.encoding), "text/reversed");
});

// End to end: this project's client, in this process on the suite's runtime,
// against the dev server, driving workflows that the OFFICIAL worker runs
// (in-process on Node, in a Node child process on Bun and Deno).
import assert from "node:assert/strict";
import { WorkflowExecutionStatus } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { Client } from "../../src/client/index.ts";
import {
  ActivityCancelledError,
  ActivityNotFoundError,
  QueryNotRegisteredError,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from "../../src/client/index.ts";
import { defaultPayloadConverter } from "../../src/converter/index.ts";
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from "../../src/failure/index.ts";
import type { DevServer } from "../../src/testing/index.ts";
import { currentRuntime, eventually, type TestContext, test } from "../harness.ts";
import type { ScenarioResult } from "../support/official/scenario.ts";
import type * as workflows from "../support/official/workflows.ts";
import { clientEntry } from "./fake-server.ts";
import { e2eNames } from "./official-worker-scenario.ts";
import { startPeerDevServer } from "../support/peer-dev-server.ts";

interface Shared {
  client: Client;
  names: ReturnType<typeof e2eNames>;
  close(): Promise<void>;
}

let shared: Promise<Shared> | undefined;
let remaining = 0;

async function testingEntry(): Promise<{ createDevServer: (o?: { port?: number }) => Promise<DevServer> }> {
  const rt = currentRuntime();
  if (rt === "bun") return import("../../src/adapters/bun/testing.ts");
  if (rt === "deno") return import("../../src/adapters/deno/testing.ts");
  return import("../../src/adapters/node/testing.ts");
}

async function start(): Promise<Shared> {
  const server = await startPeerDevServer();
  const addresses = { normal: server.address };
  let run: { result: Promise<ScenarioResult | undefined>; stop(): Promise<void> };
  if (currentRuntime() === "node") {
    const { runScenarios } = await import("../support/official/run-scenarios.ts");
    const r = runScenarios(await import("./official-worker-scenario.ts"), addresses);
    run = { result: r.results.get("officialWorkers") ?? Promise.resolve(undefined), stop: () => r.done };
  } else {
    const { runScenariosInNode } = await import("../support/official/child-runner.ts");
    const r = runScenariosInNode("test/client/official-worker-scenario.js", ["officialWorkers"], addresses);
    run = {
      result: r.results.get("officialWorkers") ?? Promise.resolve(undefined),
      async stop() {
        // The child ends by itself once the sentinel closes; the kill covers a failure on the way.
        await Promise.race([r.done, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        r.kill();
        await r.done;
      },
    };
  }
  const { Client, Connection } = await clientEntry();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const names = e2eNames(server.port);
  try {
    // The sentinel is started once the official workers are up.
    await eventually(() => client.workflow.getHandle(names.sentinelId).describe(), { timeoutMs: 40_000, message: "official workers did not start" });
  } catch (err) {
    const result = await Promise.race([run.result, Promise.resolve(undefined)]);
    await client.workflow.getHandle(names.sentinelId).terminate().catch(() => undefined);
    await connection.close();
    await server.close();
    await run.stop();
    throw new Error(`official workers did not start${result?.error ? `: ${result.error}` : ""}`, { cause: err });
  }
  return {
    client,
    names,
    async close() {
      await client.workflow.getHandle(names.sentinelId).terminate("client tests done");
      const result = await run.result;
      await run.stop();
      await connection.close();
      await server.close();
      if (!result?.ok) throw new Error(`the official worker process failed: ${result?.error}`);
    },
  };
}

/** Registers a test that shares the dev server and official workers; the last to finish closes them. */
function e2e(name: string, fn: (env: Shared, t: TestContext) => Promise<void>): void {
  remaining++;
  test(
    `client with the official worker: ${name}`,
    async (t) => {
      shared ??= start();
      t.defer(async () => {
        remaining--;
        if (remaining === 0) await (await shared)?.close();
      });
      await fn(await shared, t);
    },
    { timeoutMs: 60_000 },
  );
}

const uid = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

e2e("start, result and execute; by function reference and by name", async ({ client, names }) => {
  const sleepThenGreet: typeof workflows.sleepThenGreet = async () => "unused: the official worker runs it";
  Object.defineProperty(sleepThenGreet, "name", { value: "sleepThenGreet" });
  const handle = await client.workflow.start(sleepThenGreet, { workflowId: uid("greet"), taskQueue: names.taskQueue, args: [10, "Ana"] });
  assert.equal(await handle.result(), "Hello, Ana!");
  assert.equal((await handle.describe()).runId, handle.firstExecutionRunId);
  const byName = await client.workflow.execute<typeof workflows.sleepThenGreet>("sleepThenGreet", {
    workflowId: uid("greet"),
    taskQueue: names.taskQueue,
    args: [1, "Bo"],
  });
  assert.equal(byName, "Hello, Bo!");
});

e2e("a duplicate start is WorkflowExecutionAlreadyStartedError", async ({ client, names }) => {
  const workflowId = uid("dup");
  const handle = await client.workflow.start("approvals", { workflowId, taskQueue: names.taskQueue, args: [1] });
  const err = await client.workflow.start("approvals", { workflowId, taskQueue: names.taskQueue, args: [1] }).catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowExecutionAlreadyStartedError, String(err));
  assert.equal(err.message, "Workflow execution already started");
  assert.equal(err.workflowId, workflowId);
  assert.equal(err.workflowType, "approvals");
  await handle.terminate();
});

e2e("signal, query, updates (accepted and rejected) and result", async ({ client, names }) => {
  const handle = await client.workflow.start("approvals", { workflowId: uid("approvals"), taskQueue: names.taskQueue, args: [2] });
  await handle.signal({ type: "signal", name: "approve" }, "ana");
  assert.equal(await eventually(async () => ((await handle.query<string>("status")) === "1/2" ? "1/2" : undefined)), "1/2");
  assert.equal(await handle.executeUpdate<number, [number]>("setLimit", { args: [3], updateId: "raise" }), 2);
  assert.equal(await handle.getUpdateHandle<number>("raise").result(), 2);
  const rejected = await handle.executeUpdate("setLimit", { args: [0] }).catch((e: unknown) => e);
  assert.ok(rejected instanceof WorkflowUpdateFailedError, String(rejected));
  assert.equal(rejected.message, "Workflow Update failed");
  assert.ok(rejected.cause instanceof ApplicationFailure, String(rejected.cause));
  assert.equal(rejected.cause.message, "limit must be at least 1, got 0");
  const started = await handle.startUpdate<number, [number]>("setLimit", { args: [2], waitForStage: "ACCEPTED" });
  assert.equal(await started.result(), 3);
  const missing = await handle.query("nope").catch((e: unknown) => e);
  assert.ok(missing instanceof QueryNotRegisteredError, String(missing));
  assert.match(missing.message, /nope/);
  await handle.signal("approve", "bo");
  assert.deepEqual(await handle.result(), ["ana", "bo"]);
});

e2e("signalWithStart starts, then signals the running workflow", async ({ client, names }) => {
  const workflowId = uid("sws");
  const first = await client.workflow.signalWithStart("approvals", { workflowId, taskQueue: names.taskQueue, args: [2], signal: "approve", signalArgs: ["x"] });
  const second = await client.workflow.signalWithStart("approvals", { workflowId, taskQueue: names.taskQueue, args: [2], signal: "approve", signalArgs: ["y"] });
  assert.equal(second.signaledRunId, first.signaledRunId);
  assert.deepEqual(await first.result(), ["x", "y"]);
});

e2e("describe, fetchHistory, list and count", async ({ client, names }) => {
  const workflowId = uid("described");
  const handle = await client.workflow.start("approvals", {
    workflowId,
    taskQueue: names.taskQueue,
    args: [1],
    memo: { owner: "ana" },
  });
  const running = await handle.describe();
  assert.equal(running.type, "approvals");
  assert.equal(running.workflowId, workflowId);
  assert.equal(running.taskQueue, names.taskQueue);
  assert.deepEqual(running.status, { code: WorkflowExecutionStatus.RUNNING, name: "RUNNING" });
  assert.deepEqual(running.memo, { owner: "ana" });
  assert.ok(running.startTime instanceof Date);
  await handle.signal("approve", "z");
  await handle.result();
  const done = await handle.describe();
  assert.equal(done.status.name, "COMPLETED");
  assert.ok(done.closeTime instanceof Date);
  const history = await handle.fetchHistory();
  assert.equal(history.events.length, done.historyLength);
  assert.equal(history.events[0]?.eventType, EventType.WORKFLOW_EXECUTION_STARTED);
  assert.equal(history.events.at(-1)?.eventType, EventType.WORKFLOW_EXECUTION_COMPLETED);

  const listed: string[] = [];
  for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}' OR WorkflowId = '${names.sentinelId}'`, pageSize: 1 })) {
    listed.push(`${info.workflowId}:${info.status.name}`);
  }
  assert.deepEqual(listed.sort(), [`${names.sentinelId}:RUNNING`, `${workflowId}:COMPLETED`].sort());
  assert.equal((await client.workflow.count(`WorkflowId = '${workflowId}'`)).count, 1);
});

e2e("result follows continue-as-new; followRuns: false reports it", async ({ client, names }) => {
  const handle = await client.workflow.start("countdown", { workflowId: uid("countdown"), taskQueue: names.taskQueue, args: [2] });
  assert.equal(await handle.result(), "done after continuing");
  const err = await client.workflow.result(handle.workflowId, handle.firstExecutionRunId, { followRuns: false }).catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowContinuedAsNewError, String(err));
  assert.notEqual(err.newExecutionRunId, handle.firstExecutionRunId);
});

e2e("a failed workflow is WorkflowFailedError with the official worker's ApplicationFailure", async ({ client, names }) => {
  const err = await client.workflow.execute("failsWorkflow", { workflowId: uid("fails"), taskQueue: names.taskQueue }).catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.equal(err.message, "Workflow execution failed");
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.message, "workflow gave up");
  assert.equal(err.cause.type, "GaveUp");
  assert.equal(err.cause.nonRetryable, true);
});

e2e("cancel and terminate", async ({ client, names }) => {
  const cancelled = await client.workflow.start("waitsForCancel", { workflowId: uid("cancel"), taskQueue: names.taskQueue });
  await cancelled.cancel();
  const cErr = await cancelled.result().catch((e: unknown) => e);
  assert.ok(cErr instanceof WorkflowFailedError, String(cErr));
  assert.equal(cErr.message, "Workflow execution cancelled");
  assert.ok(cErr.cause instanceof CancelledFailure, String(cErr.cause));
  const terminated = await client.workflow.start("sleepsForever", { workflowId: uid("terminate"), taskQueue: names.taskQueue });
  await terminated.terminate("enough");
  const tErr = await terminated.result().catch((e: unknown) => e);
  assert.ok(tErr instanceof WorkflowFailedError, String(tErr));
  assert.equal(tErr.message, "enough");
  assert.ok(tErr.cause instanceof TerminatedFailure, String(tErr.cause));
  assert.equal((await terminated.describe()).status.name, "TERMINATED");
});

e2e("an unknown workflow is WorkflowNotFoundError", async ({ client }) => {
  const handle = client.workflow.getHandle("no-such-workflow");
  const err = await handle.describe().catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowNotFoundError, String(err));
  assert.equal(err.workflowId, "no-such-workflow");
  await assert.rejects(handle.result(), WorkflowNotFoundError);
  await assert.rejects(handle.signal("approve", "x"), WorkflowNotFoundError);
});

/** The task token the activity heartbeated, read from the workflow's pending activity. */
async function heartbeatedToken(client: Client, workflowId: string): Promise<Uint8Array> {
  const details = await eventually(async () => {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.raw.pendingActivities[0]?.heartbeatDetails?.payloads[0];
  });
  return new Uint8Array(defaultPayloadConverter.fromPayload<number[]>(details));
}

e2e("async activity completion by ids and by task token", async ({ client, names }) => {
  const byId = await client.workflow.start("asyncActivity", { workflowId: uid("async-id"), taskQueue: names.asyncTaskQueue, args: ["a1"] });
  await heartbeatedToken(client, byId.workflowId);
  await client.activity.heartbeat({ workflowId: byId.workflowId, activityId: "a1" }, "still going");
  await client.activity.complete({ workflowId: byId.workflowId, activityId: "a1" }, { total: 7 });
  assert.equal(await byId.result(), 'completed: {"total":7}');
  await assert.rejects(client.activity.complete({ workflowId: byId.workflowId, activityId: "a1" }, 1), ActivityNotFoundError);

  const byToken = await client.workflow.start("asyncActivity", { workflowId: uid("async-token"), taskQueue: names.asyncTaskQueue, args: ["a2"] });
  const token = await heartbeatedToken(client, byToken.workflowId);
  await client.activity.heartbeat(token);
  await client.activity.fail(token, new Error("card declined"));
  assert.equal(await byToken.result(), "failed: card declined");
});

e2e("async activity: heartbeat learns of cancellation, reportCancellation ends it", async ({ client, names }) => {
  const handle = await client.workflow.start("asyncActivity", { workflowId: uid("async-cancel"), taskQueue: names.asyncTaskQueue, args: ["a3"] });
  const token = await heartbeatedToken(client, handle.workflowId);
  await handle.signal("cancelActivity");
  await eventually(() => client.activity.heartbeat(token).then(() => false, (err: unknown) => err instanceof ActivityCancelledError));
  await client.activity.reportCancellation({ workflowId: handle.workflowId, activityId: "a3" }, "stopped");
  assert.equal(await handle.result(), "cancelled");
});

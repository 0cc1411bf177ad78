// Issue 8 against THIS project's worker: our client, in this process on the
// suite's runtime, drives workflows that our Worker (Worker.create with a
// workflowsPath, workflow code on threads) runs, against the dev server.
// The same operations as test/client/official-worker.test.ts, compactly.
import assert from "node:assert/strict";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import {
  type Client,
  QueryNotRegisteredError,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from "../../src/client/index.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from "../../src/failure/index.ts";
import { currentRuntime, eventually, type TestContext, test } from "../harness.ts";
import { fixture, openClient, startServer } from "./support.ts";

const taskQueue = "pe2e-client";

async function runtimeEntry() {
  const rt = currentRuntime();
  if (rt === "bun") return import("../../src/adapters/bun/index.ts");
  if (rt === "deno") return import("../../src/adapters/deno/index.ts");
  return import("../../src/adapters/node/index.ts");
}

/** A dev server, our worker on `taskQueue`, and our client; stopped worker first (see docs/runtimes.md on Deno). */
async function setup(t: TestContext): Promise<{ client: Client; server: { address: string } }> {
  const server = await startServer(t);
  const client = await openClient(t, server.address);
  const { Worker, connect } = await runtimeEntry();
  const connection = connect({ address: server.address });
  t.defer(() => connection.close());
  // Quiet: the worker's log lines would bury the test report.
  const logger = createLogger({ write: () => {}, format: "json", level: "WARN" });
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: fixture("client-workflows"), logger });
  const running = worker.run();
  t.defer(async () => {
    worker.shutdown();
    await running;
  });
  return { client, server };
}

let ids = 0;
const uid = (prefix: string) => `${prefix}-${++ids}-${Date.now().toString(36)}`;

test(
  "our client with our worker: start/execute/result, signal, query, updates, duplicate start, signalWithStart, continue-as-new",
  async (t) => {
    const { client } = await setup(t);
    const handle = await client.workflow.start("approvals", { workflowId: uid("approvals"), taskQueue, args: [2] });
    await handle.signal("approve", "ana");
    assert.equal(await eventually(async () => ((await handle.query<string>("status")) === "1/2" ? "1/2" : undefined)), "1/2");
    assert.equal(await handle.executeUpdate<number, [number]>("setLimit", { args: [3], updateId: "raise" }), 2);
    assert.equal(await handle.getUpdateHandle<number>("raise").result(), 2);
    const rejected = await handle.executeUpdate("setLimit", { args: [0] }).catch((e: unknown) => e);
    assert.ok(rejected instanceof WorkflowUpdateFailedError, String(rejected));
    assert.ok(rejected.cause instanceof ApplicationFailure, String(rejected.cause));
    assert.equal(rejected.cause.message, "limit must be at least 1, got 0");
    assert.equal(await handle.query<string>("status"), "1/3", "a rejected update changes nothing");
    const started = await handle.startUpdate<number, [number]>("setLimit", { args: [3], waitForStage: "ACCEPTED" });
    assert.equal(await started.result(), 3);
    const missing = await handle.query("nope").catch((e: unknown) => e);
    assert.ok(missing instanceof QueryNotRegisteredError, String(missing));
    await handle.signal("approve", "bo");
    await handle.signal("approve", "cy");
    assert.deepEqual(await handle.result(), ["ana", "bo", "cy"]);

    const dupId = uid("dup");
    await client.workflow.start("approvals", { workflowId: dupId, taskQueue, args: [1] });
    const dup = await client.workflow.start("approvals", { workflowId: dupId, taskQueue, args: [1] }).catch((e: unknown) => e);
    assert.ok(dup instanceof WorkflowExecutionAlreadyStartedError, String(dup));
    assert.equal(dup.workflowId, dupId);
    assert.deepEqual(await client.workflow.signalWithStart("approvals", { workflowId: dupId, taskQueue, args: [1], signal: "approve", signalArgs: ["x"] }).then((h) => h.result()), ["x"]);

    const sws = uid("sws");
    const first = await client.workflow.signalWithStart("approvals", { workflowId: sws, taskQueue, args: [2], signal: "approve", signalArgs: ["x"] });
    const second = await client.workflow.signalWithStart("approvals", { workflowId: sws, taskQueue, args: [2], signal: "approve", signalArgs: ["y"] });
    assert.equal(second.signaledRunId, first.signaledRunId);
    assert.deepEqual(await first.result(), ["x", "y"]);

    const countdown = await client.workflow.start("countdown", { workflowId: uid("countdown"), taskQueue, args: [2] });
    assert.equal(await countdown.result(), "done after continuing");
    const continued = await client.workflow.result(countdown.workflowId, countdown.firstExecutionRunId, { followRuns: false }).catch((e: unknown) => e);
    assert.ok(continued instanceof WorkflowContinuedAsNewError, String(continued));
    assert.equal(await client.workflow.execute("countdown", { workflowId: uid("countdown"), taskQueue, args: [0] }), "done after no continue");
  },
  { timeoutMs: 40_000 },
);

test(
  "our client with our worker: failure, cancel, terminate, describe, fetchHistory, list, count, not found",
  async (t) => {
    const { client } = await setup(t);
    const failed = await client.workflow.execute("givesUp", { workflowId: uid("fails"), taskQueue }).catch((e: unknown) => e);
    assert.ok(failed instanceof WorkflowFailedError, String(failed));
    assert.ok(failed.cause instanceof ApplicationFailure, String(failed.cause));
    assert.equal(failed.cause.message, "workflow gave up");
    assert.equal(failed.cause.type, "GaveUp");

    const cancelled = await client.workflow.start("waitsForCancel", { workflowId: uid("cancel"), taskQueue });
    await cancelled.cancel();
    const cErr = await cancelled.result().catch((e: unknown) => e);
    assert.ok(cErr instanceof WorkflowFailedError && cErr.cause instanceof CancelledFailure, String(cErr));
    assert.equal((await cancelled.describe()).status.name, "CANCELLED");

    const terminated = await client.workflow.start("sleepsForever", { workflowId: uid("terminate"), taskQueue });
    await terminated.terminate("enough");
    const tErr = await terminated.result().catch((e: unknown) => e);
    assert.ok(tErr instanceof WorkflowFailedError && tErr.cause instanceof TerminatedFailure, String(tErr));
    assert.equal(tErr.message, "enough");

    const workflowId = uid("described");
    const handle = await client.workflow.start("approvals", { workflowId, taskQueue, args: [1], memo: { owner: "ana" } });
    const running = await handle.describe();
    assert.equal(running.type, "approvals");
    assert.equal(running.taskQueue, taskQueue);
    assert.equal(running.status.name, "RUNNING");
    assert.deepEqual(running.memo, { owner: "ana" });
    await handle.signal("approve", "z");
    assert.deepEqual(await handle.result(), ["z"]);
    const done = await handle.describe();
    assert.equal(done.status.name, "COMPLETED");
    const history = await handle.fetchHistory();
    assert.equal(history.events.length, done.historyLength);
    assert.equal(history.events[0]?.eventType, EventType.WORKFLOW_EXECUTION_STARTED);
    assert.equal(history.events.at(-1)?.eventType, EventType.WORKFLOW_EXECUTION_COMPLETED);
    // Our worker's own commands are in it: the signal's workflow task completed by this worker.
    assert.ok(history.events.some((e) => e.eventType === EventType.WORKFLOW_EXECUTION_SIGNALED));

    const listed: string[] = [];
    for await (const info of client.workflow.list({ query: `WorkflowId = '${workflowId}' OR WorkflowId = '${terminated.workflowId}'`, pageSize: 1 })) {
      listed.push(`${info.workflowId}:${info.status.name}`);
    }
    assert.deepEqual(listed.sort(), [`${terminated.workflowId}:TERMINATED`, `${workflowId}:COMPLETED`].sort());
    assert.equal((await client.workflow.count(`WorkflowId = '${workflowId}'`)).count, 1);

    const unknown = await client.workflow.getHandle("no-such-workflow").describe().catch((e: unknown) => e);
    assert.ok(unknown instanceof WorkflowNotFoundError, String(unknown));
  },
  { timeoutMs: 40_000 },
);

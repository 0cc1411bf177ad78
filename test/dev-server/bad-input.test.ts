// What the dev server answers to bad requests, over real gRPC with this
// project's Connect client, on every runtime.
import { Code } from "@connectrpc/connect";
import assert from "node:assert/strict";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { WorkflowIdConflictPolicy } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { ServiceError } from "../../src/common/errors.ts";
import { type Connection, connect } from "../../src/connection/connection.ts";
import { createDevServer } from "../../src/dev-server/server.ts";
import { type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

async function setup(t: TestContext): Promise<Connection> {
  const server = await createDevServer({ platform, port: 0, namespaces: ["orders"] });
  t.defer(() => server.close());
  const conn = connect({ address: server.address, retry: false }, platform);
  t.defer(() => conn.close());
  return conn;
}

async function rejection(call: Promise<unknown>): Promise<ServiceError> {
  const err = await call.then(
    () => assert.fail("expected the call to fail"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ServiceError, String(err));
  return err;
}

const start = (workflowId: string, extra: Record<string, unknown> = {}) => ({
  namespace: "default",
  workflowId,
  workflowType: { name: "greet" },
  taskQueue: { name: "q" },
  requestId: crypto.randomUUID(),
  ...extra,
});

test("a start without required fields is INVALID_ARGUMENT naming the field", async (t) => {
  const conn = await setup(t);
  for (const [request, field] of [
    [{ ...start("a"), workflowId: "" }, "workflowId"],
    [{ ...start("a"), workflowType: { name: "" } }, "workflowType.name"],
    [{ ...start("a"), taskQueue: undefined }, "taskQueue.name"],
    [{ ...start("a"), namespace: "" }, "namespace"],
  ] as const) {
    const err = await rejection(conn.workflowService.startWorkflowExecution(request));
    assert.equal(err.code, Code.InvalidArgument, err.message);
    assert.match(err.message, new RegExp(`${field.replace(".", "\\.")} is required`));
  }
});

test("unknown namespace and unknown workflow are NOT_FOUND", async (t) => {
  const conn = await setup(t);
  const ns = await rejection(conn.workflowService.startWorkflowExecution({ ...start("a"), namespace: "nope" }));
  assert.equal(ns.code, Code.NotFound);
  assert.match(ns.message, /namespace "nope" is not found/);
  const wf = await rejection(
    conn.workflowService.signalWorkflowExecution({ namespace: "default", workflowExecution: { workflowId: "ghost" }, signalName: "s" }),
  );
  assert.equal(wf.code, Code.NotFound);
  assert.match(wf.message, /workflow id "ghost"/);
  const described = await conn.workflowService.describeNamespace({ namespace: "orders" });
  assert.equal(described.namespaceInfo?.name, "orders");
});

test("a duplicate start is ALREADY_EXISTS; the same request id returns the same run", async (t) => {
  const conn = await setup(t);
  const first = start("dup");
  const res = await conn.workflowService.startWorkflowExecution(first);
  const again = await conn.workflowService.startWorkflowExecution(first);
  assert.equal(again.runId, res.runId);
  const err = await rejection(conn.workflowService.startWorkflowExecution(start("dup")));
  assert.equal(err.code, Code.AlreadyExists);
  assert.match(err.message, /already started/);
  const existing = await conn.workflowService.startWorkflowExecution({ ...start("dup"), workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING });
  assert.equal(existing.runId, res.runId);
  assert.equal(existing.started, false);
});

test("methods the dev server lacks are UNIMPLEMENTED with their name", async (t) => {
  const conn = await setup(t);
  const err = await rejection(conn.workflowService.listSchedules({ namespace: "default" }));
  assert.equal(err.code, Code.Unimplemented);
  assert.match(err.message, /WorkflowService\/ListSchedules is not implemented/);
});

test("a malformed task token is INVALID_ARGUMENT", async (t) => {
  const conn = await setup(t);
  const err = await rejection(
    conn.workflowService.respondActivityTaskCompleted({ namespace: "default", taskToken: new TextEncoder().encode("garbage") }),
  );
  assert.equal(err.code, Code.InvalidArgument);
  assert.match(err.message, /taskToken is malformed/);
});

test("GetSystemInfo reports a current server's capabilities", async (t) => {
  const conn = await setup(t);
  const info = await conn.workflowService.getSystemInfo({});
  const c = info.capabilities;
  assert.ok(c?.signalAndQueryHeader && c.internalErrorDifferentiation && c.activityFailureIncludeHeartbeat);
  assert.ok(c.encodedFailureAttributes && c.upsertMemo && c.sdkMetadata && c.countGroupByExecutionStatus);
  assert.equal(c.supportsSchedules, false);
  assert.equal(c.eagerWorkflowStart, false);
  assert.equal(c.buildIdBasedVersioning, false);
});

test("a malformed command fails the workflow task with the cause a real server gives", async (t) => {
  const conn = await setup(t);
  const { runId } = await conn.workflowService.startWorkflowExecution(start("bad-command"));
  const task = await conn.workflowService.pollWorkflowTaskQueue({ namespace: "default", taskQueue: { name: "q" }, identity: "raw" });
  assert.equal(task.workflowExecution?.runId, runId);
  await conn.workflowService.respondWorkflowTaskCompleted({
    namespace: "default",
    taskToken: task.taskToken,
    identity: "raw",
    commands: [{ commandType: CommandType.START_TIMER, attributes: { case: "startTimerCommandAttributes", value: { timerId: "" } } }],
  });
  const { history } = await conn.workflowService.getWorkflowExecutionHistory({ namespace: "default", execution: { workflowId: "bad-command" } });
  const failed = history?.events.find((e) => e.eventType === EventType.WORKFLOW_TASK_FAILED);
  assert.ok(failed?.attributes.case === "workflowTaskFailedEventAttributes");
  assert.equal(failed.attributes.value.cause, WorkflowTaskFailedCause.BAD_START_TIMER_ATTRIBUTES);
  assert.match(failed.attributes.value.failure?.message ?? "", /timerId is not set/);
  // The retry is transient: offered again as attempt 2, its events not yet in history.
  const retry = await conn.workflowService.pollWorkflowTaskQueue({ namespace: "default", taskQueue: { name: "q" }, identity: "raw" });
  assert.equal(retry.attempt, 2);
  assert.equal(retry.history?.events.length, (history?.events.length ?? 0) + 2);
});

test("a long poll ends when the caller aborts, and close() ends the ones left", async (t) => {
  const conn = await setup(t);
  const controller = new AbortController();
  const started = Date.now();
  const aborted = conn.workflowService
    .pollActivityTaskQueue({ namespace: "default", taskQueue: { name: "idle" } }, { signal: controller.signal })
    .then(
      () => "answered",
      () => "aborted",
    );
  setTimeout(() => controller.abort(), 100);
  assert.equal(await aborted, "aborted");
  assert.ok(Date.now() - started < 2_000);
  const server = await createDevServer({ platform, port: 0 });
  const other = connect({ address: server.address, retry: false }, platform);
  t.defer(() => other.close());
  const pending = other.workflowService.pollWorkflowTaskQueue({ namespace: "default", taskQueue: { name: "idle" } }).then(
    (r) => (r.taskToken.length === 0 ? "empty" : "task"),
    () => "ended",
  );
  const closing = Date.now();
  await server.close();
  assert.notEqual(await pending, "task");
  assert.ok(Date.now() - closing < 2_000, "close() did not wait for the long poll");
});

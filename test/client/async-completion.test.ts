// client.activity against a fake WorkflowService: by task token and by ids,
// and the official error mapping.
import { Code, ConnectError } from "@connectrpc/connect";
import assert from "node:assert/strict";
import {
  ActivityCancelledError,
  ActivityCompletionError,
  ActivityNotFoundError,
  ActivityPausedError,
  ActivityResetError,
} from "../../src/client/index.ts";
import { test } from "../harness.ts";
import { fakeServerClient, fromJson } from "./fake-server.ts";

const token = new Uint8Array([1, 2, 3, 250]);

test("complete, fail and reportCancellation by task token and by ids", async (t) => {
  const calls: Record<string, unknown>[] = [];
  const { client } = await fakeServerClient(t, {
    respondActivityTaskCompleted: (req) => (calls.push({ op: "completed", token: [...req.taskToken], result: fromJson(req.result?.payloads[0]), ns: req.namespace, identity: req.identity }), {}),
    respondActivityTaskCompletedById: (req) => (calls.push({ op: "completedById", ids: [req.workflowId, req.runId, req.activityId], result: fromJson(req.result?.payloads[0]) }), {}),
    respondActivityTaskFailed: (req) => (calls.push({ op: "failed", message: req.failure?.message, type: req.failure?.failureInfo.case === "applicationFailureInfo" ? req.failure.failureInfo.value.type : undefined }), {}),
    respondActivityTaskFailedById: (req) => (calls.push({ op: "failedById", message: req.failure?.message }), {}),
    respondActivityTaskCanceled: (req) => (calls.push({ op: "canceled", details: fromJson(req.details?.payloads[0]) }), {}),
    respondActivityTaskCanceledById: (req) => (calls.push({ op: "canceledById", activityId: req.activityId }), {}),
  });
  await client.activity.complete(token, { paid: true });
  await client.activity.complete({ workflowId: "w", runId: "r", activityId: "a1" }, 5);
  await client.activity.fail(token, new RangeError("too big"));
  await client.activity.fail({ workflowId: "w", activityId: "a2" }, new Error("nope"));
  await client.activity.reportCancellation(token, "stopped");
  await client.activity.reportCancellation({ workflowId: "w", activityId: "a3" });
  assert.deepEqual(calls, [
    { op: "completed", token: [1, 2, 3, 250], result: { paid: true }, ns: "orders", identity: "test-client" },
    { op: "completedById", ids: ["w", "r", "a1"], result: 5 },
    // A plain error travels as an ApplicationFailure typed by the error's name, as with the official client.
    { op: "failed", message: "too big", type: "RangeError" },
    { op: "failedById", message: "nope" },
    { op: "canceled", details: "stopped" },
    { op: "canceledById", activityId: "a3" },
  ]);
});

test("heartbeat reports cancellation, reset and pause as the official errors", async (t) => {
  const answers = [{}, { cancelRequested: true }, { activityReset: true }, { activityPaused: true }];
  const details: unknown[] = [];
  const { client } = await fakeServerClient(t, {
    recordActivityTaskHeartbeat: (req) => (details.push(fromJson(req.details?.payloads[0])), answers.shift() ?? {}),
    recordActivityTaskHeartbeatById: (req) => (details.push(req.activityId), { cancelRequested: true }),
  });
  await client.activity.heartbeat(token, { progress: 1 });
  await assert.rejects(client.activity.heartbeat(token, 2), ActivityCancelledError);
  await assert.rejects(client.activity.heartbeat(token, 3), ActivityResetError);
  await assert.rejects(client.activity.heartbeat(token, 4), ActivityPausedError);
  await assert.rejects(client.activity.heartbeat({ workflowId: "w", activityId: "a9" }), ActivityCancelledError);
  assert.deepEqual(details, [{ progress: 1 }, 2, 3, 4, "a9"]);
});

test("an unknown activity is ActivityNotFoundError; other refusals ActivityCompletionError", async (t) => {
  const { client } = await fakeServerClient(t, {
    respondActivityTaskCompleted() {
      throw new ConnectError("invalid activityID or activity already timed out or invoking workflow is completed", Code.NotFound);
    },
    recordActivityTaskHeartbeat() {
      throw new ConnectError("details exceed size limit", Code.InvalidArgument);
    },
  });
  const err = await client.activity.complete(token, 1).catch((e: unknown) => e);
  assert.ok(err instanceof ActivityNotFoundError, String(err));
  assert.match(err.message, /invalid activityID/);
  const other = await client.activity.heartbeat(token).catch((e: unknown) => e);
  assert.ok(other instanceof ActivityCompletionError, String(other));
  assert.equal(other.message, "details exceed size limit");
});

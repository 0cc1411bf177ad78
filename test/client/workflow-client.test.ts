// The client against a real-gRPC fake WorkflowService: the requests it sends
// and how it maps the server's answers (results, failures, error codes).
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import assert from "node:assert/strict";
import { QueryRejectCondition } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { UpdateWorkflowExecutionLifecycleStage as Stage } from "../../gen/temporal/api/enums/v1/update_pb.ts";
import {
  HistoryEventFilterType,
  RetryState,
  WorkflowExecutionStatus,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type HistoryEvent, HistoryEventSchema } from "../../gen/temporal/api/history/v1/message_pb.ts";
import {
  CountWorkflowExecutionsResponseSchema,
  DescribeWorkflowExecutionResponseSchema,
  GetWorkflowExecutionHistoryResponseSchema,
  ListWorkflowExecutionsResponseSchema,
  PollWorkflowExecutionUpdateResponseSchema,
  QueryWorkflowResponseSchema,
  type StartWorkflowExecutionRequest,
  StartWorkflowExecutionResponseSchema,
  type UpdateWorkflowExecutionRequest,
  UpdateWorkflowExecutionResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import {
  defineSearchAttributeKey,
  QueryNotRegisteredError,
  QueryRejectedError,
  ServiceError,
  WorkflowContinuedAsNewError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "../../src/client/index.ts";
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from "../../src/failure/index.ts";
import { test } from "../harness.ts";
import { fakeServerClient, fromJson, json } from "./fake-server.ts";

async function orderWorkflow(_id: string, _qty: number): Promise<string> {
  return "done";
}

test("start sends the workflow type by function name, encoded args and the compiled options", async (t) => {
  let seen: StartWorkflowExecutionRequest | undefined;
  const { client } = await fakeServerClient(t, {
    startWorkflowExecution(req) {
      seen = req;
      return create(StartWorkflowExecutionResponseSchema, { runId: "run-1" });
    },
  });
  const handle = await client.workflow.start(orderWorkflow, {
    workflowId: "order-1",
    taskQueue: "orders-tq",
    args: ["A-17", 3],
    memo: { owner: "ana" },
    searchAttributes: { CustomKeywordField: ["gold"] },
    typedSearchAttributes: [{ key: defineSearchAttributeKey("CustomIntField", "INT"), value: 7 }],
    retry: { initialInterval: "2s", maximumAttempts: 4, backoffCoefficient: 1.5, nonRetryableErrorTypes: ["Fatal"] },
    workflowIdReusePolicy: "REJECT_DUPLICATE",
    workflowIdConflictPolicy: "FAIL",
    workflowExecutionTimeout: "1 day",
    workflowRunTimeout: "2h",
    workflowTaskTimeout: 5000,
    cronSchedule: "*/5 * * * *",
    startDelay: "30s",
  });
  assert.equal(handle.workflowId, "order-1");
  assert.equal(handle.firstExecutionRunId, "run-1");
  assert.ok(seen);
  assert.equal(seen.namespace, "orders");
  assert.equal(seen.identity, "test-client");
  assert.match(seen.requestId, /^[0-9a-f-]{36}$/);
  assert.equal(seen.workflowType?.name, "orderWorkflow");
  assert.equal(seen.taskQueue?.name, "orders-tq");
  assert.deepEqual(seen.input?.payloads.map(fromJson), ["A-17", 3]);
  assert.deepEqual(fromJson(seen.memo?.fields.owner), "ana");
  const sa = seen.searchAttributes?.indexedFields ?? {};
  assert.deepEqual(fromJson(sa.CustomKeywordField), ["gold"]);
  assert.equal(fromJson(sa.CustomIntField), 7);
  assert.equal(new TextDecoder().decode(sa.CustomIntField?.metadata.type), "Int");
  assert.equal(durationMs(seen.retryPolicy?.initialInterval ?? assert.fail()), 2000);
  assert.equal(seen.retryPolicy?.maximumAttempts, 4);
  assert.equal(seen.retryPolicy?.backoffCoefficient, 1.5);
  assert.deepEqual(seen.retryPolicy?.nonRetryableErrorTypes, ["Fatal"]);
  assert.equal(seen.workflowIdReusePolicy, WorkflowIdReusePolicy.REJECT_DUPLICATE);
  assert.equal(seen.workflowIdConflictPolicy, WorkflowIdConflictPolicy.FAIL);
  assert.equal(durationMs(seen.workflowExecutionTimeout ?? assert.fail()), 86_400_000);
  assert.equal(durationMs(seen.workflowRunTimeout ?? assert.fail()), 7_200_000);
  assert.equal(durationMs(seen.workflowTaskTimeout ?? assert.fail()), 5_000);
  assert.equal(durationMs(seen.workflowStartDelay ?? assert.fail()), 30_000);
  assert.equal(seen.cronSchedule, "*/5 * * * *");
});

test("bad options fail before any call, naming the field", async (t) => {
  let calls = 0;
  const { client } = await fakeServerClient(t, {
    startWorkflowExecution() {
      calls++;
      return create(StartWorkflowExecutionResponseSchema, { runId: "r" });
    },
  });
  await assert.rejects(client.workflow.start("wf", { workflowId: "w", taskQueue: "q", workflowRunTimeout: "soon" }), /workflowRunTimeout: invalid duration string "soon"/);
  await assert.rejects(client.workflow.start("wf", { workflowId: "w", taskQueue: "q", workflowIdReusePolicy: "NEVER" as never }), /workflowIdReusePolicy: unknown value "NEVER"; use one of "ALLOW_DUPLICATE"/);
  await assert.rejects(client.workflow.start("wf", { workflowId: "w", taskQueue: "q", retry: { maximumAttempts: 0 } }), /retry\.maximumAttempts must be a positive integer/);
  await assert.rejects(client.workflow.start("wf", { workflowId: "", taskQueue: "q" }), /workflowId is required/);
  await assert.rejects(client.workflow.start(() => Promise.resolve(), { workflowId: "w", taskQueue: "q" }), /anonymous function has no name/);
  assert.equal(calls, 0);
});

test("a duplicate start is WorkflowExecutionAlreadyStartedError with the id and type", async (t) => {
  const { client } = await fakeServerClient(t, {
    startWorkflowExecution() {
      throw new ConnectError("Workflow execution is already running. WorkflowId: order-1, RunId: r0.", Code.AlreadyExists);
    },
  });
  const err = await client.workflow.start("orderWorkflow", { workflowId: "order-1", taskQueue: "q" }).catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowExecutionAlreadyStartedError, String(err));
  assert.equal(err.message, "Workflow execution already started");
  assert.equal(err.workflowId, "order-1");
  assert.equal(err.workflowType, "orderWorkflow");
});

test("NotFound on a handle call is WorkflowNotFoundError with the server's message", async (t) => {
  const { client } = await fakeServerClient(t, {
    describeWorkflowExecution() {
      throw new ConnectError("workflow execution not found for workflow ID: nope", Code.NotFound);
    },
    signalWorkflowExecution() {
      throw new ConnectError("workflow execution already completed", Code.NotFound);
    },
  });
  const err = await client.workflow.getHandle("nope", "r9").describe().catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowNotFoundError, String(err));
  assert.equal(err.message, "workflow execution not found for workflow ID: nope");
  assert.equal(err.workflowId, "nope");
  assert.equal(err.runId, "r9");
  await assert.rejects(client.workflow.getHandle("nope").signal("go"), WorkflowNotFoundError);
});

test("other server errors stay ServiceError with code and method", async (t) => {
  const { client } = await fakeServerClient(t, {
    requestCancelWorkflowExecution() {
      throw new ConnectError("not allowed here", Code.PermissionDenied);
    },
  });
  const err = await client.workflow.getHandle("w").cancel().catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.PermissionDenied);
  assert.match(err.message, /requestCancelWorkflowExecution: permission denied/);
});

type EventInit = Exclude<MessageInitShape<typeof HistoryEventSchema>, HistoryEvent>;

function closeEvent(init: EventInit) {
  return create(GetWorkflowExecutionHistoryResponseSchema, { history: { events: [create(HistoryEventSchema, init)] } });
}

test("result long-polls the close event, retries empty polls and follows continue-as-new", async (t) => {
  const polls: { runId: string; wait: boolean; filter: number }[] = [];
  const { client } = await fakeServerClient(t, {
    getWorkflowExecutionHistory(req) {
      polls.push({ runId: req.execution?.runId ?? "", wait: req.waitNewEvent, filter: req.historyEventFilterType });
      if (polls.length === 1) return create(GetWorkflowExecutionHistoryResponseSchema, {});
      if (req.execution?.runId === "run-1") {
        return closeEvent({
          attributes: { case: "workflowExecutionContinuedAsNewEventAttributes", value: { newExecutionRunId: "run-2" } },
        });
      }
      return closeEvent({
        attributes: { case: "workflowExecutionCompletedEventAttributes", value: { result: { payloads: [json({ total: 42 })] } } },
      });
    },
  });
  const result = await client.workflow.getHandle("w", "run-1").result();
  assert.deepEqual(result, { total: 42 });
  assert.deepEqual(polls, [
    { runId: "run-1", wait: true, filter: HistoryEventFilterType.CLOSE_EVENT },
    { runId: "run-1", wait: true, filter: HistoryEventFilterType.CLOSE_EVENT },
    { runId: "run-2", wait: true, filter: HistoryEventFilterType.CLOSE_EVENT },
  ]);
  await assert.rejects(client.workflow.result("w", "run-1", { followRuns: false }), (err: unknown) => {
    assert.ok(err instanceof WorkflowContinuedAsNewError);
    assert.equal(err.newExecutionRunId, "run-2");
    return true;
  });
});

test("result asks again when a long poll outlives its deadline", async (t) => {
  let polls = 0;
  const { client } = await fakeServerClient(
    t,
    {
      async getWorkflowExecutionHistory(_req, ctx) {
        polls++;
        if (polls === 1) {
          // Hold the first poll until the client gives up on it.
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        }
        return closeEvent({ attributes: { case: "workflowExecutionCompletedEventAttributes", value: { result: { payloads: [json("late")] } } } });
      },
    },
    {},
    { longPollTimeoutMs: 200 },
  );
  assert.equal(await client.workflow.getHandle("w").result(), "late");
  assert.equal(polls, 2);
});

test("a failed workflow is WorkflowFailedError whose cause is the decoded ApplicationFailure", async (t) => {
  const { client } = await fakeServerClient(t, {
    getWorkflowExecutionHistory: () =>
      closeEvent({
        attributes: {
          case: "workflowExecutionFailedEventAttributes",
          value: {
            retryState: RetryState.NON_RETRYABLE_FAILURE,
            failure: {
              message: "card declined",
              failureInfo: {
                case: "applicationFailureInfo",
                value: { type: "PaymentError", nonRetryable: true, details: { payloads: [json({ code: 51 })] } },
              },
            },
          },
        },
      }),
  });
  const err = await client.workflow.getHandle("w").result().catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.equal(err.message, "Workflow execution failed");
  assert.equal(err.retryState, "NON_RETRYABLE_FAILURE");
  assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
  assert.equal(err.cause.message, "card declined");
  assert.equal(err.cause.type, "PaymentError");
  assert.deepEqual(err.cause.details, [{ code: 51 }]);
});

test("cancelled, terminated and timed-out workflows carry the official causes", async (t) => {
  type Attributes = NonNullable<EventInit["attributes"]>;
  const events: Record<string, Attributes> = {
    cancelled: { case: "workflowExecutionCanceledEventAttributes", value: { details: { payloads: [json("bye")] } } },
    terminated: { case: "workflowExecutionTerminatedEventAttributes", value: { reason: "ops cleanup" } },
    timedOut: { case: "workflowExecutionTimedOutEventAttributes", value: { retryState: RetryState.TIMEOUT } },
  };
  const { client } = await fakeServerClient(t, {
    getWorkflowExecutionHistory: (req) => closeEvent({ attributes: events[req.execution?.workflowId ?? ""] ?? assert.fail("unexpected workflow id") }),
  });
  const outcome = (id: string) => client.workflow.getHandle(id).result().catch((e: unknown) => e as WorkflowFailedError);
  const cancelled = await outcome("cancelled");
  assert.equal(cancelled.message, "Workflow execution cancelled");
  assert.ok(cancelled.cause instanceof CancelledFailure);
  assert.equal(cancelled.cause.message, "Workflow canceled");
  assert.deepEqual(cancelled.cause.details, ["bye"]);
  const terminated = await outcome("terminated");
  assert.equal(terminated.message, "ops cleanup");
  assert.ok(terminated.cause instanceof TerminatedFailure);
  assert.equal(terminated.retryState, "NON_RETRYABLE_FAILURE");
  const timedOut = await outcome("timedOut");
  assert.equal(timedOut.message, "Workflow execution timed out");
  assert.ok(timedOut.cause instanceof TimeoutFailure);
  assert.equal(timedOut.cause.timeoutType, "START_TO_CLOSE");
  assert.equal(timedOut.retryState, "TIMEOUT");
});

test("query: result, rejection and unknown query type", async (t) => {
  const { client } = await fakeServerClient(
    t,
    {
      queryWorkflow(req) {
        if (req.query?.queryType === "missing") {
          throw new ConnectError("Workflow did not register a handler for missing. Registered queries: [status]", Code.InvalidArgument);
        }
        if (req.execution?.workflowId === "closed") {
          return create(QueryWorkflowResponseSchema, { queryRejected: { status: WorkflowExecutionStatus.COMPLETED } });
        }
        assert.equal(req.queryRejectCondition, QueryRejectCondition.NOT_OPEN);
        return create(QueryWorkflowResponseSchema, { queryResult: { payloads: [json({ step: fromJson(req.query?.queryArgs?.payloads[0]) })] } });
      },
    },
    { workflow: { queryRejectCondition: "NOT_OPEN" } },
  );
  assert.deepEqual(await client.workflow.getHandle("w").query<{ step: number }, [number]>({ type: "query", name: "status" }, 4), { step: 4 });
  const rejected = await client.workflow.getHandle("closed").query("status").catch((e: unknown) => e);
  assert.ok(rejected instanceof QueryRejectedError);
  assert.equal(rejected.status, WorkflowExecutionStatus.COMPLETED);
  const missing = await client.workflow.getHandle("w").query("missing").catch((e: unknown) => e);
  assert.ok(missing instanceof QueryNotRegisteredError);
  assert.equal(missing.message, "Workflow did not register a handler for missing. Registered queries: [status]");
  assert.equal(missing.code, Code.InvalidArgument);
});

test("executeUpdate re-sends until accepted, then polls for the outcome", async (t) => {
  const sent: UpdateWorkflowExecutionRequest[] = [];
  let polls = 0;
  const { client } = await fakeServerClient(t, {
    updateWorkflowExecution(req) {
      sent.push(req);
      const stage = sent.length === 1 ? Stage.ADMITTED : Stage.ACCEPTED;
      return create(UpdateWorkflowExecutionResponseSchema, {
        stage,
        updateRef: { updateId: req.request?.meta?.updateId ?? "", workflowExecution: { workflowId: "w", runId: "run-7" } },
      });
    },
    pollWorkflowExecutionUpdate(req) {
      polls++;
      assert.equal(req.updateRef?.workflowExecution?.runId, "run-7");
      if (polls === 1) return create(PollWorkflowExecutionUpdateResponseSchema, {});
      return create(PollWorkflowExecutionUpdateResponseSchema, { outcome: { value: { case: "success", value: { payloads: [json(11)] } } } });
    },
  });
  const result = await client.workflow.getHandle("w").executeUpdate<number, [number]>("add", { args: [5], updateId: "u-1" });
  assert.equal(result, 11);
  assert.equal(sent.length, 2);
  for (const req of sent) {
    assert.equal(req.request?.meta?.updateId, "u-1");
    assert.equal(req.request?.input?.name, "add");
    assert.deepEqual(req.request?.input?.args?.payloads.map(fromJson), [5]);
    assert.equal(req.waitPolicy?.lifecycleStage, Stage.COMPLETED);
  }
  assert.equal(polls, 2);
});

test("a rejected update is WorkflowUpdateFailedError with the decoded cause; startUpdate needs ACCEPTED", async (t) => {
  const { client } = await fakeServerClient(t, {
    updateWorkflowExecution: (req) =>
      create(UpdateWorkflowExecutionResponseSchema, {
        stage: Stage.COMPLETED,
        updateRef: { updateId: req.request?.meta?.updateId ?? "", workflowExecution: { workflowId: "w", runId: "r" } },
        outcome: {
          value: { case: "failure", value: { message: "amount must be positive", failureInfo: { case: "applicationFailureInfo", value: { type: "Invalid" } } } },
        },
      }),
  });
  const handle = client.workflow.getHandle("w");
  const err = await handle.executeUpdate("add", { args: [-1] }).catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  assert.equal(err.message, "Workflow Update failed");
  assert.ok(err.cause instanceof ApplicationFailure);
  assert.equal(err.cause.message, "amount must be positive");
  const started = await handle.startUpdate("add", { args: [-1], waitForStage: "ACCEPTED" });
  assert.equal(started.workflowRunId, "r");
  await assert.rejects(started.result(), WorkflowUpdateFailedError);
  await assert.rejects(handle.startUpdate("add", { waitForStage: "COMPLETED" as never }), /waitForStage must be "ACCEPTED"/);
});

test("an update call cut by its deadline is WorkflowUpdateRPCTimeoutOrCancelledError", async (t) => {
  const { client } = await fakeServerClient(t, {
    updateWorkflowExecution() {
      throw new ConnectError("context deadline exceeded", Code.DeadlineExceeded);
    },
  });
  const err = await client.workflow.getHandle("w").executeUpdate("add").catch((e: unknown) => e);
  assert.ok(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError, String(err));
  assert.ok(err.cause instanceof ServiceError);
});

test("getUpdateHandle polls the outcome of an existing update", async (t) => {
  const { client } = await fakeServerClient(t, {
    pollWorkflowExecutionUpdate: (req) => {
      assert.equal(req.updateRef?.updateId, "u-9");
      assert.equal(req.waitPolicy?.lifecycleStage, Stage.COMPLETED);
      return create(PollWorkflowExecutionUpdateResponseSchema, { outcome: { value: { case: "success", value: { payloads: [json("ok")] } } } });
    },
  });
  const handle = client.workflow.getHandle("w").getUpdateHandle<string>("u-9");
  assert.equal(handle.updateId, "u-9");
  assert.equal(await handle.result(), "ok");
});

test("signalWithStart, signal, cancel and terminate send what the official client sends", async (t) => {
  const seen: Record<string, unknown> = {};
  const { client } = await fakeServerClient(t, {
    signalWithStartWorkflowExecution(req) {
      seen.sws = { type: req.workflowType?.name, signal: req.signalName, args: req.signalInput?.payloads.map(fromJson), input: req.input?.payloads.map(fromJson) };
      return { runId: "run-s" };
    },
    signalWorkflowExecution(req) {
      seen.signal = { name: req.signalName, args: req.input?.payloads.map(fromJson), run: req.workflowExecution?.runId };
      return {};
    },
    requestCancelWorkflowExecution(req) {
      seen.cancel = { first: req.firstExecutionRunId, requestId: req.requestId.length };
      return {};
    },
    terminateWorkflowExecution(req) {
      seen.terminate = { reason: req.reason, first: req.firstExecutionRunId };
      return {};
    },
  });
  const handle = await client.workflow.signalWithStart(orderWorkflow, {
    workflowId: "o",
    taskQueue: "q",
    args: ["A", 1],
    signal: { type: "signal", name: "approve" },
    signalArgs: ["boss"],
  });
  assert.equal(handle.signaledRunId, "run-s");
  assert.deepEqual(seen.sws, { type: "orderWorkflow", signal: "approve", args: ["boss"], input: ["A", 1] });
  const h = client.workflow.getHandle("o", undefined, { firstExecutionRunId: "first" });
  await h.signal("poke", 1, "two");
  await h.cancel();
  await h.terminate("stuck");
  assert.deepEqual(seen.signal, { name: "poke", args: [1, "two"], run: "" });
  assert.deepEqual(seen.cancel, { first: "first", requestId: 36 });
  assert.deepEqual(seen.terminate, { reason: "stuck", first: "first" });
});

test("describe maps the official description fields; list pages; count", async (t) => {
  const info = (id: string) => ({
    execution: { workflowId: id, runId: `${id}-run` },
    type: { name: "orderWorkflow" },
    taskQueue: "q",
    status: WorkflowExecutionStatus.CANCELED,
    historyLength: 12n,
    historySizeBytes: 2048n,
    startTime: timestampFromMs(1_700_000_000_000),
    closeTime: timestampFromMs(1_700_000_100_000),
    memo: { fields: { owner: json("ana") } },
    searchAttributes: { indexedFields: { CustomKeywordField: json(["gold"]) } },
    parentExecution: { workflowId: "parent", runId: "p-run" },
  });
  const pageTokens: string[] = [];
  const { client } = await fakeServerClient(t, {
    describeWorkflowExecution: (req) => create(DescribeWorkflowExecutionResponseSchema, { workflowExecutionInfo: info(req.execution?.workflowId ?? "") }),
    listWorkflowExecutions(req) {
      const token = new TextDecoder().decode(req.nextPageToken);
      pageTokens.push(token);
      assert.equal(req.query, "WorkflowType = 'orderWorkflow'");
      if (token === "") return create(ListWorkflowExecutionsResponseSchema, { executions: [info("a"), info("b")], nextPageToken: new TextEncoder().encode("p2") });
      return create(ListWorkflowExecutionsResponseSchema, { executions: [info("c")] });
    },
    countWorkflowExecutions: (req) => create(CountWorkflowExecutionsResponseSchema, { count: BigInt(req.query.length) }),
  });
  const d = await client.workflow.getHandle("x").describe();
  assert.equal(d.type, "orderWorkflow");
  assert.equal(d.workflowId, "x");
  assert.equal(d.runId, "x-run");
  assert.equal(d.taskQueue, "q");
  assert.deepEqual(d.status, { code: WorkflowExecutionStatus.CANCELED, name: "CANCELLED" });
  assert.equal(d.historyLength, 12);
  assert.equal(d.historySize, 2048);
  assert.equal(d.startTime.getTime(), 1_700_000_000_000);
  assert.equal(d.closeTime?.getTime(), 1_700_000_100_000);
  assert.equal(d.executionTime, undefined);
  assert.deepEqual(d.memo, { owner: "ana" });
  assert.deepEqual(d.searchAttributes, { CustomKeywordField: ["gold"] });
  assert.deepEqual(d.parentExecution, { workflowId: "parent", runId: "p-run" });
  assert.equal(d.raw.workflowExecutionInfo?.execution?.workflowId, "x");
  const ids: string[] = [];
  for await (const wf of client.workflow.list({ query: "WorkflowType = 'orderWorkflow'" })) ids.push(wf.workflowId);
  assert.deepEqual(ids, ["a", "b", "c"]);
  assert.deepEqual(pageTokens, ["", "p2"]);
  assert.equal((await client.workflow.count("abc")).count, 3);
});

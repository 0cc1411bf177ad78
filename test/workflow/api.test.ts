// The workflow API beyond timers and activities — child workflows, external
// handles, continue-as-new, upserts, local activities, updates, built-in
// queries, workflowInfo() — fed hand-built activations; the commands that come
// back are what the official TypeScript worker sends for the same code.
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { encodeSearchAttributes } from "../../src/client/search-attributes.ts";
import type { LogLevel, LogMetadata } from "../../src/logging/types.ts";
import { createInProcessWorkflowRuntime, type WorkflowRuntime } from "../../src/workflow/index.ts";
import { type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { commandsOf, failureMessage, fromPayload, payload, resultOf, runBuilder, summary, T0 } from "./activations.ts";
import * as workflows from "./fixtures/api-workflows.ts";

const platform = await runtimePlatform();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type LogLine = [LogLevel, string, LogMetadata | undefined];

function setup(t: TestContext, extra: { logs?: LogLine[]; registeredActivityNames?: ReadonlySet<string> } = {}): WorkflowRuntime {
  const { logs } = extra;
  const runtime = createInProcessWorkflowRuntime({
    workflows,
    namespace: "default",
    taskQueue: "tq",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
    ...(extra.registeredActivityNames ? { registeredActivityNames: extra.registeredActivityNames } : {}),
    ...(logs
      ? {
          logger: {
            log: (level, message, meta) => logs.push([level, message, meta]),
            trace() {},
            debug() {},
            info() {},
            warn() {},
            error() {},
          },
        }
      : {}),
  });
  t.defer(() => runtime.dispose());
  return runtime;
}

function command<C extends string>(completion: Parameters<typeof commandsOf>[0], kind: C) {
  const found = commandsOf(completion).find((c) => c.variant.case === kind);
  assert.ok(found, `no ${kind} in ${summary(completion).join(", ")}`);
  return found;
}

const childFailure = (message: string) =>
  create(FailureSchema, {
    message: "Child Workflow execution failed",
    failureInfo: {
      case: "childWorkflowExecutionFailureInfo",
      value: { namespace: "default", workflowExecution: { workflowId: "fixed-child", runId: "r1" }, workflowType: { name: "child" } },
    },
    cause: create(FailureSchema, { message, failureInfo: { case: "applicationFailureInfo", value: { type: "Error" } } }),
  });

test("startChild: the start command carries the options; the handle gets the run id, signals the child and reads its result", async (t) => {
  const rt = setup(t);
  const run = runBuilder("parentStartsChild");
  const started = await rt.activate(run.start());
  assert.deepEqual(summary(started), ["startChildWorkflowExecution:1:child"]);
  const cmd = command(started, "startChildWorkflowExecution");
  assert.ok(cmd.variant.case === "startChildWorkflowExecution");
  const c = cmd.variant.value;
  assert.match(c.workflowId, UUID);
  assert.equal(c.namespace, "default");
  assert.equal(c.taskQueue, "tq");
  assert.deepEqual(c.input.map(fromPayload), ["a"]);
  assert.equal(c.parentClosePolicy, 2, "ABANDON");
  assert.equal(c.workflowIdReusePolicy, 3, "REJECT_DUPLICATE");
  assert.equal(c.cancellationType, 2, "WAIT_CANCELLATION_COMPLETED by default");
  assert.equal(fromPayload(c.memo.team), "blue");
  assert.equal(fromPayload(cmd.userMetadata?.summary), "the child");

  // The same seed gives the same child workflow id: it is replay-safe.
  const again = command(await rt.activate(runBuilder("parentStartsChild").start()), "startChildWorkflowExecution");
  assert.equal(again.variant.case === "startChildWorkflowExecution" && again.variant.value.workflowId, c.workflowId);

  const signalled = await rt.activate(run.activation([run.childStarted(1, "child-run")]));
  assert.deepEqual(summary(signalled), ["signalExternalWorkflowExecution:1"]);
  const signal = command(signalled, "signalExternalWorkflowExecution");
  assert.ok(signal.variant.case === "signalExternalWorkflowExecution");
  assert.equal(signal.variant.value.signalName, "childDone");
  assert.deepEqual(signal.variant.value.target, { case: "childWorkflowId", value: c.workflowId });
  assert.deepEqual(signal.variant.value.args.map(fromPayload), ["go"]);

  assert.deepEqual(summary(await rt.activate(run.activation([run.signalExternalResolved(1)]))), []);
  const done = await rt.activate(run.activation([run.childCompleted(1, "child a")]));
  assert.deepEqual(resultOf(done), [c.workflowId, "child-run", "child a"]);
});

test("executeChild: a failed child reaches the parent as a ChildWorkflowFailure with its cause", async (t) => {
  const rt = setup(t);
  const run = runBuilder("parentExecutesFailingChild");
  const [cmd] = commandsOf(await rt.activate(run.start()));
  assert.ok(cmd?.variant.case === "startChildWorkflowExecution");
  assert.equal(cmd.variant.value.workflowId, "fixed-child");
  assert.deepEqual(summary(await rt.activate(run.activation([run.childStarted(1, "r1")]))), []);
  const done = await rt.activate(run.activation([run.childFailed(1, childFailure("child broke"))]));
  assert.equal(resultOf(done), "ChildWorkflowFailure: child broke");
});

test("a child whose workflow id is taken rejects startChild with WorkflowExecutionAlreadyStartedError", async (t) => {
  const rt = setup(t);
  const run = runBuilder("parentChildAlreadyStarted");
  await rt.activate(run.start());
  const done = await rt.activate(run.activation([run.childAlreadyExists(1, "taken", "child")]));
  assert.equal(resultOf(done), "already started: taken");
});

test("cancelling the scope of a started child sends cancelChildWorkflowExecution; the cancelled result rejects as a cancellation", async (t) => {
  const rt = setup(t);
  const run = runBuilder("parentCancelsChild");
  const [cmd] = commandsOf(await rt.activate(run.start()));
  assert.ok(cmd?.variant.case === "startChildWorkflowExecution");
  assert.equal(cmd.variant.value.cancellationType, 1, "TRY_CANCEL");
  assert.deepEqual(summary(await rt.activate(run.activation([run.childStarted(1, "r")]))), ["cancelChildWorkflowExecution:1"]);
  const cancelled = create(FailureSchema, {
    message: "Child Workflow execution cancelled",
    failureInfo: { case: "childWorkflowExecutionFailureInfo", value: { workflowExecution: { workflowId: "doomed", runId: "r" }, workflowType: { name: "child" } } },
    cause: create(FailureSchema, { message: "cancelled", failureInfo: { case: "canceledFailureInfo", value: {} } }),
  });
  assert.equal(resultOf(await rt.activate(run.activation([run.childCancelled(1, cancelled)]))), "cancelled");
});

test("getExternalWorkflowHandle: signal and cancel commands name the execution; a failed cancel rejects", async (t) => {
  const rt = setup(t);
  const run = runBuilder("signalsAndCancelsExternal");
  const first = await rt.activate(run.start());
  const signal = command(first, "signalExternalWorkflowExecution");
  assert.ok(signal.variant.case === "signalExternalWorkflowExecution");
  assert.equal(signal.variant.value.seq, 1);
  assert.equal(signal.variant.value.signalName, "poke");
  assert.deepEqual(signal.variant.value.args.map(fromPayload), [1, 2]);
  assert.ok(signal.variant.value.target.case === "workflowExecution");
  assert.equal(signal.variant.value.target.value.workflowId, "other-wf");
  assert.equal(signal.variant.value.target.value.runId, "other-run");
  assert.equal(signal.variant.value.target.value.namespace, "default");

  const second = await rt.activate(run.activation([run.signalExternalResolved(1)]));
  assert.deepEqual(summary(second), ["requestCancelExternalWorkflowExecution:1"]);
  const cancel = command(second, "requestCancelExternalWorkflowExecution");
  assert.ok(cancel.variant.case === "requestCancelExternalWorkflowExecution");
  assert.equal(cancel.variant.value.workflowExecution?.workflowId, "other-wf");

  const notFound = create(FailureSchema, { message: "Unable to cancel external workflow because not found", failureInfo: { case: "applicationFailureInfo", value: {} } });
  const done = await rt.activate(run.activation([run.cancelExternalResolved(1, notFound)]));
  assert.deepEqual(resultOf(done), ["signalled", "cancel failed: Unable to cancel external workflow because not found"]);
});

test("continueAsNew and makeContinueAsNewFunc end the run with continueAsNewWorkflowExecution", async (t) => {
  const rt = setup(t);
  const [plain] = commandsOf(await rt.activate(runBuilder("continuesAsNew", { args: [0] }).start()));
  assert.ok(plain?.variant.case === "continueAsNewWorkflowExecution");
  assert.equal(plain.variant.value.workflowType, "continuesAsNew");
  assert.equal(plain.variant.value.taskQueue, "tq");
  assert.deepEqual(plain.variant.value.arguments.map(fromPayload), [1]);

  const [custom] = commandsOf(await rt.activate(runBuilder("continuesAsNew", { args: [1] }).start()));
  assert.ok(custom?.variant.case === "continueAsNewWorkflowExecution");
  assert.equal(custom.variant.value.workflowType, "other");
  assert.equal(custom.variant.value.taskQueue, "elsewhere");
  assert.deepEqual(custom.variant.value.arguments.map(fromPayload), [2]);
  assert.equal(fromPayload(custom.variant.value.memo.round), 1);
  assert.equal(custom.variant.value.workflowRunTimeout?.seconds, 3600n);
});

test("upsertSearchAttributes and upsertMemo send their commands and keep workflowInfo() current", async (t) => {
  const rt = setup(t);
  const run = runBuilder("upserts");
  const init = run.start().jobs[0]?.variant;
  assert.ok(init?.case === "initializeWorkflow");
  init.value.searchAttributes = { $typeName: "temporal.api.common.v1.SearchAttributes", indexedFields: encodeSearchAttributes({ CustomTextField: ["hello"] }, undefined) };
  const first = await rt.activate(run.activation([init]));
  assert.deepEqual(summary(first), ["upsertWorkflowSearchAttributes", "modifyWorkflowProperties", "upsertWorkflowSearchAttributes", "startTimer:1"]);
  const [upsert, memo, removal] = commandsOf(first);
  assert.ok(upsert?.variant.case === "upsertWorkflowSearchAttributes");
  assert.deepEqual(fromPayload(upsert.variant.value.searchAttributes?.indexedFields.CustomKeywordField), ["gold"]);
  assert.ok(memo?.variant.case === "modifyWorkflowProperties");
  assert.equal(fromPayload(memo.variant.value.upsertedMemo?.fields.owner), "ada");
  // A null memo value is sent as a null payload: the server removes the field.
  assert.equal(fromPayload(memo.variant.value.upsertedMemo?.fields.gone), undefined);
  assert.ok(removal?.variant.case === "upsertWorkflowSearchAttributes");
  assert.deepEqual(fromPayload(removal.variant.value.searchAttributes?.indexedFields.CustomIntField), []);

  const [before, afterFirst, final] = resultOf(await rt.activate(run.activation([run.fireTimer(1)]))) as [unknown, { sa: unknown; memo: unknown }, unknown];
  assert.deepEqual(before, { CustomTextField: ["hello"] });
  assert.deepEqual(afterFirst.sa, { CustomTextField: ["hello"], CustomKeywordField: ["gold"], CustomIntField: [3] });
  assert.deepEqual(afterFirst.memo, { owner: "ada" });
  assert.deepEqual(final, { CustomTextField: ["hello"], CustomKeywordField: ["gold"] });
});

test("a local activity backoff becomes a durable timer, then the next attempt with the original schedule time", async (t) => {
  const rt = setup(t);
  const run = runBuilder("localActivity");
  const first = await rt.activate(run.start());
  assert.deepEqual(summary(first), ["scheduleLocalActivity:1:check:1"]);
  const la = command(first, "scheduleLocalActivity");
  assert.ok(la.variant.case === "scheduleLocalActivity");
  assert.equal(la.variant.value.activityId, "1");
  assert.deepEqual(la.variant.value.arguments.map(fromPayload), [7]);
  assert.equal(la.variant.value.startToCloseTimeout?.seconds, 5n);
  assert.equal(la.variant.value.localRetryThreshold?.seconds, 10n);

  const backoff = await rt.activate(run.activation([run.localActivityBackoff(1, 2, 3000, T0)]));
  assert.deepEqual(summary(backoff), ["startTimer:1"]);
  const timer = command(backoff, "startTimer");
  assert.ok(timer.variant.case === "startTimer");
  assert.equal(timer.variant.value.startToFireTimeout?.seconds, 3n);

  const retry = await rt.activate(run.activation([run.fireTimer(1)]));
  assert.deepEqual(summary(retry), ["scheduleLocalActivity:2:check:2"]);
  const second = command(retry, "scheduleLocalActivity");
  assert.ok(second.variant.case === "scheduleLocalActivity");
  assert.deepEqual(second.variant.value.originalScheduleTime, timestampFromMs(T0));
  assert.equal(resultOf(await rt.activate(run.activation([run.activityCompleted(2, "checked")]))), "checked");
});

test("a local activity the worker does not register fails the task at once, but not when replaying", async (t) => {
  const rt = setup(t, { registeredActivityNames: new Set(["greet"]) });
  assert.match(failureMessage(await rt.activate(runBuilder("localActivity").start())), /Local activity of type 'check' not registered on worker/);
  const replayed = await rt.activate(runBuilder("localActivity").start({ isReplaying: true }));
  assert.deepEqual(summary(replayed), ["scheduleLocalActivity:1:check:1"]);
});

test("updates: the validator rejects, or the update is accepted then completed; currentUpdateInfo names it in the handler", async (t) => {
  const rt = setup(t);
  const run = runBuilder("updatable");
  assert.deepEqual(summary(await rt.activate(run.start())), []);
  const rejected = await rt.activate(run.activation([run.update("u1", "approve", ["mallory"])]));
  assert.deepEqual(summary(rejected), ["updateResponse:proto-u1:rejected"]);
  const rejection = command(rejected, "updateResponse");
  assert.ok(rejection.variant.case === "updateResponse" && rejection.variant.value.response.case === "rejected");
  assert.equal(rejection.variant.value.response.value.message, "not allowed");

  assert.deepEqual(summary(await rt.activate(run.activation([run.update("u2", "approve", ["ada"])]))), ["updateResponse:proto-u2:accepted", "startTimer:1"]);
  const completed = await rt.activate(run.activation([run.fireTimer(1)]));
  assert.deepEqual(summary(completed), ["updateResponse:proto-u2:completed"]);
  const response = command(completed, "updateResponse");
  assert.ok(response.variant.case === "updateResponse" && response.variant.value.response.case === "completed");
  assert.equal(fromPayload(response.variant.value.response.value), "approved by ada");
  assert.deepEqual(resultOf(await rt.activate(run.activation([run.signal("done")]))), ["approve:u2:ada"]);
});

test("an update validator logs even in a replaying activation (it is live work); the same validator skipped on replay logs nothing", async (t) => {
  const logs: LogLine[] = [];
  const rt = setup(t, { logs });
  const run = runBuilder("updatable");
  run.setReplaying(true);
  await rt.activate(run.start());
  await rt.activate(run.activation([run.update("u1", "approve", ["ada"], true)]));
  assert.deepEqual(
    logs.filter(([, m]) => m === "validating").map(([, , meta]) => meta?.who),
    ["ada"],
  );
  await rt.activate(run.activation([run.update("u2", "approve", ["bob"], false)]));
  assert.equal(logs.filter(([, m]) => m === "validating").length, 1);
});

test("__stack_trace shows where the workflow waits; __temporal_workflow_metadata lists handlers and current details", async (t) => {
  const rt = setup(t);
  const run = runBuilder("describable");
  assert.deepEqual(summary(await rt.activate(run.start())), ["startTimer:1"]);
  const answer = (queryType: string) => {
    return rt.activate(run.activation([run.query(`q-${queryType}`, queryType)])).then((c) => {
      const v = commandsOf(c)[0]?.variant;
      assert.ok(v?.case === "respondToQuery" && v.value.variant.case === "succeeded", `${queryType}: ${JSON.stringify(summary(c))}`);
      return fromPayload(v.value.variant.value.response);
    });
  };
  const trace = (await answer("__stack_trace")) as string;
  assert.match(trace, /waitHere/);
  assert.match(trace, /api-workflows\.[jt]s:\d+:\d+/);
  assert.doesNotMatch(trace, /src[\\/]workflow[\\/]timers/, "runtime frames are left out");

  const enhanced = (await answer("__enhanced_stack_trace")) as { sdk: { name: string }; stacks: Array<{ locations: Array<{ function_name?: string }> }> };
  assert.equal(enhanced.sdk.name, "typescript");
  assert.ok(enhanced.stacks[0]?.locations.some((l) => l.function_name?.includes("waitHere")), JSON.stringify(enhanced));

  const metadata = (await answer("__temporal_workflow_metadata")) as {
    definition: { type: string; queryDefinitions: Array<{ name: string; description?: string }>; signalDefinitions: Array<{ name: string }> };
    currentDetails: string;
  };
  assert.equal(metadata.definition.type, "describable");
  assert.deepEqual(
    metadata.definition.queryDefinitions.find((q) => q.name === "getState"),
    { name: "getState", description: "the state" },
  );
  assert.deepEqual(metadata.definition.signalDefinitions, [{ name: "done" }]);
  assert.equal(metadata.currentDetails, "waiting for the timer");
});

test("timer and activity summaries go out as command user metadata", async (t) => {
  const rt = setup(t);
  const run = runBuilder("summaries");
  const timer = command(await rt.activate(run.start()), "startTimer");
  assert.equal(fromPayload(timer.userMetadata?.summary), "a short nap");
  const activity = command(await rt.activate(run.activation([run.fireTimer(1)])), "scheduleActivity");
  assert.equal(fromPayload(activity.userMetadata?.summary), "say hello");
});

test("workflowInfo() has the search attributes, memo, retry policy and history facts of the activation", async (t) => {
  const rt = setup(t);
  const run = runBuilder("info");
  const init = run.start().jobs[0]?.variant;
  assert.ok(init?.case === "initializeWorkflow");
  init.value.searchAttributes = {
    $typeName: "temporal.api.common.v1.SearchAttributes",
    indexedFields: encodeSearchAttributes(undefined, [{ key: { name: "Tier", type: "KEYWORD" }, value: "gold" }]),
  };
  init.value.memo = { $typeName: "temporal.api.common.v1.Memo", fields: { owner: payload("ada") } };
  init.value.retryPolicy = {
    $typeName: "temporal.api.common.v1.RetryPolicy",
    initialInterval: { $typeName: "google.protobuf.Duration", seconds: 2n, nanos: 0 },
    backoffCoefficient: 3,
    maximumAttempts: 4,
    nonRetryableErrorTypes: ["Fatal"],
  };
  const activation = run.activation([init]);
  activation.historyLength = 42;
  activation.continueAsNewSuggested = true;
  activation.suggestContinueAsNewReasons = [1];
  const info = resultOf(await rt.activate(activation));
  assert.deepEqual(info, {
    searchAttributes: { Tier: ["gold"] },
    typed: [["Tier", "KEYWORD", "gold"]],
    historyLength: 42,
    continueAsNewSuggested: true,
    reasons: ["HISTORY_SIZE_TOO_LARGE"],
    retryPolicy: { backoffCoefficient: 3, nonRetryableErrorTypes: ["Fatal"], maximumAttempts: 4, initialInterval: 2000 },
    memo: { owner: "ada" },
    isReplaying: false,
  });
});

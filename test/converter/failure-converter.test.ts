import { equals } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { DefaultFailureConverter, defaultFailureConverter, defaultPayloadConverter } from "../../src/converter/index.ts";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from "../../src/failure/index.ts";
import { test } from "../harness.ts";
import { common, failureFromOfficial, failureToOfficial } from "./official.ts";

const pc = defaultPayloadConverter;
const theirConverter = new common.DefaultFailureConverter();
const theirPc = common.defaultPayloadConverter;

/** An official error, through the official converter and the wire, decoded here. */
function decodeTheirs(err: unknown, converter = theirConverter): Error {
  return defaultFailureConverter.failureToError(failureFromOfficial(converter.errorToFailure(err, theirPc)), pc);
}

/** Our error, through our converter and the wire, decoded by the official converter. */
function decodeOurs(err: unknown, converter = defaultFailureConverter) {
  return theirConverter.failureToError(failureToOfficial(converter.errorToFailure(err, pc)), theirPc);
}

/** Our class, not merely something the shared instanceof marker accepts. */
function assertOurs(err: unknown, cls: { prototype: object; name: string }) {
  assert.equal(Object.getPrototypeOf(err), cls.prototype, `expected our ${cls.name}`);
  assert.equal((err as Error).name, cls.name);
}

test("an official ApplicationFailure decodes here with every field and its cause", () => {
  const root = new Error("disk full");
  const theirs = common.ApplicationFailure.create({
    message: "could not save order",
    type: "StorageError",
    nonRetryable: true,
    details: ["order-7", { attempt: 3, tags: ["a", "ü"] }],
    nextRetryDelay: "1.5s",
    category: "BENIGN",
    cause: root,
  });
  const err = decodeTheirs(theirs);
  assertOurs(err, ApplicationFailure);
  assert.ok(err instanceof ApplicationFailure);
  assert.equal(err.message, "could not save order");
  assert.equal(err.type, "StorageError");
  assert.equal(err.nonRetryable, true);
  assert.deepEqual(err.details, ["order-7", { attempt: 3, tags: ["a", "ü"] }]);
  assert.equal(err.nextRetryDelay, 1500);
  assert.equal(err.category, "BENIGN");
  assert.equal(err.stack, theirs.stack);
  assert.ok(err.failure, "the proto is kept");
  // A plain Error cause crosses as a TemporalFailure with its message and stack.
  assertOurs(err.cause, TemporalFailure);
  assert.equal(err.cause?.message, "disk full");
  assert.equal(err.cause?.stack, root.stack);
});

test("an official ActivityFailure with a heartbeat TimeoutFailure cause decodes here", () => {
  const timeout = new common.TimeoutFailure("activity heartbeat timeout", { progress: 42 }, "HEARTBEAT");
  const theirs = new common.ActivityFailure("activity failed", "chargeCard", "act-9", "MAXIMUM_ATTEMPTS_REACHED", "1@host", timeout);
  const err = decodeTheirs(theirs);
  assertOurs(err, ActivityFailure);
  assert.ok(err instanceof ActivityFailure);
  assert.equal(err.message, "activity failed");
  assert.equal(err.activityType, "chargeCard");
  assert.equal(err.activityId, "act-9");
  assert.equal(err.retryState, "MAXIMUM_ATTEMPTS_REACHED");
  assert.equal(err.identity, "1@host");
  assertOurs(err.cause, TimeoutFailure);
  assert.ok(err.cause instanceof TimeoutFailure);
  assert.equal(err.cause.timeoutType, "HEARTBEAT");
  assert.deepEqual(err.cause.lastHeartbeatDetails, { progress: 42 });
  assert.equal(err.cause.message, "activity heartbeat timeout");
});

test("official ChildWorkflowFailure, TerminatedFailure, CancelledFailure and ServerFailure decode here", () => {
  const child = decodeTheirs(
    new common.ChildWorkflowFailure(
      "orders-ns",
      { workflowId: "child-1", runId: "run-1" },
      "shipOrder",
      "NON_RETRYABLE_FAILURE",
      new common.TerminatedFailure("terminated by ops"),
    ),
  );
  assertOurs(child, ChildWorkflowFailure);
  assert.ok(child instanceof ChildWorkflowFailure);
  assert.equal(child.namespace, "orders-ns");
  assert.deepEqual(child.execution, { workflowId: "child-1", runId: "run-1" });
  assert.equal(child.workflowType, "shipOrder");
  assert.equal(child.retryState, "NON_RETRYABLE_FAILURE");
  assert.equal(child.message, "Child Workflow execution failed");
  assertOurs(child.cause, TerminatedFailure);
  assert.equal(child.cause?.message, "terminated by ops");

  const cancelled = decodeTheirs(new common.CancelledFailure("cancelled by user", ["reason", 2]));
  assertOurs(cancelled, CancelledFailure);
  assert.ok(cancelled instanceof CancelledFailure);
  assert.deepEqual(cancelled.details, ["reason", 2]);

  const server = decodeTheirs(new common.ServerFailure("shard unavailable", true));
  assertOurs(server, ServerFailure);
  assert.ok(server instanceof ServerFailure);
  assert.equal(server.nonRetryable, true);
  assert.equal(server.message, "shard unavailable");
});

test("failures made here decode with the official converter to its classes with every field", () => {
  const app = ApplicationFailure.create({
    message: "payment declined",
    type: "CardError",
    nonRetryable: false,
    details: [{ code: 51 }],
    nextRetryDelay: "2m",
    category: "BENIGN",
    cause: new TypeError("bad amount"),
  });
  const timeout = new TimeoutFailure("start-to-close", "last beat", "START_TO_CLOSE");
  const activity = new ActivityFailure("activity failed", "charge", "a-1", "TIMEOUT", "me@box", timeout);
  const decodedApp = decodeOurs(app);
  assert.ok(decodedApp instanceof common.ApplicationFailure);
  assert.equal(Object.getPrototypeOf(decodedApp), common.ApplicationFailure.prototype);
  assert.equal(decodedApp.message, "payment declined");
  assert.equal(decodedApp.type, "CardError");
  assert.equal(decodedApp.nonRetryable, false);
  assert.deepEqual(decodedApp.details, [{ code: 51 }]);
  assert.equal(decodedApp.category, "BENIGN");
  assert.equal(decodedApp.stack, app.stack);
  assert.equal(decodedApp.cause.message, "bad amount");
  // The official decoder ignores nextRetryDelay; the wire field is checked here instead.
  const wire = defaultFailureConverter.errorToFailure(app, pc);
  assert.equal(wire.failureInfo.case, "applicationFailureInfo");
  assert.equal(wire.failureInfo.value?.$typeName, "temporal.api.failure.v1.ApplicationFailureInfo");
  assert.equal(failureToOfficial(wire).applicationFailureInfo.nextRetryDelay.seconds.toString(), "120");

  const decodedActivity = decodeOurs(activity);
  assert.ok(decodedActivity instanceof common.ActivityFailure);
  assert.equal(decodedActivity.activityType, "charge");
  assert.equal(decodedActivity.activityId, "a-1");
  assert.equal(decodedActivity.retryState, "TIMEOUT");
  assert.equal(decodedActivity.identity, "me@box");
  assert.ok(decodedActivity.cause instanceof common.TimeoutFailure);
  assert.equal(decodedActivity.cause.timeoutType, "START_TO_CLOSE");
  assert.equal(decodedActivity.cause.lastHeartbeatDetails, "last beat");

  const child = decodeOurs(new ChildWorkflowFailure("ns", { workflowId: "c", runId: "r" }, "childType", "CANCEL_REQUESTED", new CancelledFailure("gone", ["x"])));
  assert.ok(child instanceof common.ChildWorkflowFailure);
  assert.equal(child.namespace, "ns");
  assert.equal(child.execution.workflowId, "c");
  assert.equal(child.execution.runId, "r");
  assert.equal(child.workflowType, "childType");
  assert.equal(child.retryState, "CANCEL_REQUESTED");
  assert.ok(child.cause instanceof common.CancelledFailure);
  assert.deepEqual(child.cause.details, ["x"]);

  assert.ok(decodeOurs(new TerminatedFailure("stop")) instanceof common.TerminatedFailure);
  const server = decodeOurs(new ServerFailure("nope", true));
  assert.ok(server instanceof common.ServerFailure);
  assert.equal(server.nonRetryable, true);
});

test("the Failure written here equals the official converter's for the same errors, field by field", () => {
  const cases: Array<[string, () => Error]> = [
    ["application", () => ApplicationFailure.create({ message: "m", type: "T", nonRetryable: true, details: [1, "two"], nextRetryDelay: 1234, category: "BENIGN" })],
    ["retryable factory", () => ApplicationFailure.retryable("again", undefined, { a: 1 })],
    ["cancelled", () => new CancelledFailure("c", ["d"])],
    ["timeout", () => new TimeoutFailure("t", { beat: 1 }, "SCHEDULE_TO_CLOSE")],
    ["server", () => new ServerFailure("s", false)],
    ["terminated", () => new TerminatedFailure("x")],
    ["activity", () => new ActivityFailure("a", "type", "id", "IN_PROGRESS", "who", ApplicationFailure.nonRetryable("inner", "Inner"))],
    ["child", () => new ChildWorkflowFailure(undefined, { workflowId: "w", runId: "r" }, "wt", "TIMEOUT")],
    ["plain Error with cause", () => new RangeError("outer", { cause: new Error("inner") })],
  ];
  for (const [name, make] of cases) {
    const err = make();
    for (const converterOptions of [{}, { encodeCommonAttributes: true }]) {
      const ours = new DefaultFailureConverter(converterOptions).errorToFailure(err, pc);
      const theirs = failureFromOfficial(new common.DefaultFailureConverter(converterOptions).errorToFailure(err, theirPc));
      assert.ok(equals(FailureSchema, ours, theirs), `${name} ${JSON.stringify(converterOptions)}: ${JSON.stringify(failureToOfficial(ours))} != ${JSON.stringify(failureToOfficial(theirs))}`);
    }
  }
});

test("encodeCommonAttributes moves message and stack into encodedAttributes, both ways", () => {
  const err = ApplicationFailure.create({ message: "secret account 1234", type: "Leak" });
  const failure = new DefaultFailureConverter({ encodeCommonAttributes: true }).errorToFailure(err, pc);
  assert.equal(failure.message, "Encoded failure");
  assert.equal(failure.stackTrace, "");
  assert.ok(failure.encodedAttributes);
  assert.deepEqual(pc.fromPayload(failure.encodedAttributes), { message: "secret account 1234", stack_trace: err.stack });
  const decodedThere = theirConverter.failureToError(failureToOfficial(failure), theirPc);
  assert.equal(decodedThere.message, "secret account 1234");
  assert.equal(decodedThere.stack, err.stack);

  // Decoded, then rethrown (e.g. an activity failure a workflow lets through): still the real message inside.
  const encoding = new DefaultFailureConverter({ encodeCommonAttributes: true });
  const rethrown = encoding.errorToFailure(encoding.failureToError(failure, pc), pc);
  assert.equal(rethrown.message, "Encoded failure");
  assert.deepEqual(pc.fromPayload(rethrown.encodedAttributes as NonNullable<typeof rethrown.encodedAttributes>), {
    message: "secret account 1234",
    stack_trace: err.stack,
  });

  const theirs = new common.DefaultFailureConverter({ encodeCommonAttributes: true });
  const theirErr = common.ApplicationFailure.nonRetryable("their secret", "Leak");
  const decodedHere = decodeTheirs(theirErr, theirs);
  assert.equal(decodedHere.message, "their secret");
  assert.equal(decodedHere.stack, theirErr.stack);
});

test("a decoded failure re-encodes to the Failure it came from", () => {
  const original = failureFromOfficial(
    theirConverter.errorToFailure(new common.ActivityFailure("a", "t", "i", "TIMEOUT", "w", common.ApplicationFailure.retryable("x")), theirPc),
  );
  // A field no error class carries: only a verbatim re-encode keeps it.
  if (original.failureInfo.case === "activityFailureInfo") original.failureInfo.value.scheduledEventId = 17n;
  const err = defaultFailureConverter.failureToError(original, pc);
  assert.ok(equals(FailureSchema, defaultFailureConverter.errorToFailure(err, pc), original));
});

test("thrown non-Errors and cause cycles become Failures without hanging", () => {
  assert.match(defaultFailureConverter.errorToFailure("just a string", pc).message, /^just a string \[a non-Error value was thrown/);
  assert.match(defaultFailureConverter.errorToFailure({ code: 7 }, pc).message, /^\{"code":7\} \[/);
  const a = new Error("a");
  const b = new Error("b", { cause: a });
  (a as { cause?: unknown }).cause = b;
  const failure = defaultFailureConverter.errorToFailure(a, pc);
  assert.equal(failure.message, "a");
  assert.equal(failure.cause?.message, "b");
  assert.equal(failure.cause?.cause, undefined);
});

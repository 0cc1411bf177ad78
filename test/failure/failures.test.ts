import assert from "node:assert/strict";
import { createRequire } from "node:module";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  ensureApplicationFailure,
  ensureTemporalFailure,
  RetryState,
  rootCause,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  TimeoutType,
} from "../../src/failure/index.ts";
import { test } from "../harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: the official module is untyped here
const common: any = createRequire(import.meta.url)("@temporalio/common");

test("factories set the fields of @temporalio/common's", () => {
  const cause = new Error("root");
  const created = ApplicationFailure.create({ message: "m", type: "T", details: [1], nextRetryDelay: "5s", category: "BENIGN", cause });
  const theirs = common.ApplicationFailure.create({ message: "m", type: "T", details: [1], nextRetryDelay: "5s", category: "BENIGN", cause });
  for (const field of ["message", "type", "nonRetryable", "details", "nextRetryDelay", "category", "cause", "name"]) {
    assert.deepEqual((created as unknown as Record<string, unknown>)[field], theirs[field], field);
  }
  const retryable = ApplicationFailure.retryable("r", null, "d1", "d2");
  assert.equal(retryable.type, "Error");
  assert.equal(retryable.nonRetryable, false);
  assert.deepEqual(retryable.details, ["d1", "d2"]);
  const fatal = ApplicationFailure.nonRetryable("n", "Fatal");
  assert.equal(fatal.nonRetryable, true);
  assert.equal(fatal.type, "Fatal");
  const fromError = ApplicationFailure.fromError(new RangeError("out of range"), { nonRetryable: true });
  assert.equal(fromError.type, "RangeError");
  assert.equal(fromError.message, "out of range");
  assert.equal(fromError.nonRetryable, true);
});

test("names match the official classes and instanceof works across both copies", () => {
  const ours = [
    new ApplicationFailure("a"),
    new CancelledFailure("c"),
    new TerminatedFailure("t"),
    new TimeoutFailure("to", undefined, TimeoutType.HEARTBEAT),
    new ServerFailure("s", false),
    new ActivityFailure("a", "type", "id", RetryState.TIMEOUT, "who"),
    new ChildWorkflowFailure("ns", { workflowId: "w" }, "wt", RetryState.CANCEL_REQUESTED),
  ];
  for (const err of ours) {
    const name = err.constructor.name;
    assert.equal(err.name, name);
    assert.ok(err instanceof TemporalFailure, `${name} instanceof TemporalFailure`);
    assert.ok(err instanceof common[name], `${name} instanceof the official ${name}`);
    assert.ok(err instanceof common.TemporalFailure);
    assert.ok(new common[name]() instanceof (err.constructor as new () => Error), `official ${name} instanceof ours`);
    assert.ok(TemporalFailure.is(err));
    assert.match(String(err.stack), new RegExp(`^${name}`));
  }
  assert.ok(!(new CancelledFailure("c") instanceof ApplicationFailure));
  assert.ok(!(new Error("plain") instanceof TemporalFailure));
  assert.ok(ApplicationFailure.is(new common.ApplicationFailure("x")));
  assert.ok(!ApplicationFailure.is(new TerminatedFailure("x")));
  // A user subclass keeps ordinary instanceof semantics.
  class MyFailure extends ApplicationFailure {}
  assert.ok(new MyFailure("x") instanceof MyFailure);
  assert.ok(!(new ApplicationFailure("x") instanceof MyFailure));
});

test("ensureApplicationFailure, ensureTemporalFailure and rootCause behave as the official ones", () => {
  class PaymentError extends Error {}
  const inner = new Error("inner");
  const err = new PaymentError("declined", { cause: inner });
  const ours = ensureApplicationFailure(err);
  const theirs = common.ensureApplicationFailure(err);
  for (const field of ["message", "type", "nonRetryable", "stack", "cause"]) {
    assert.deepEqual((ours as unknown as Record<string, unknown>)[field], theirs[field], field);
  }
  assert.deepEqual(ensureApplicationFailure("a string").message, common.ensureApplicationFailure("a string").message);
  const terminated = new TerminatedFailure("t");
  assert.equal(ensureTemporalFailure(terminated), terminated);
  assert.ok(ensureTemporalFailure(42) instanceof ApplicationFailure);
  const chain = new ActivityFailure("a", "t", "i", undefined, undefined, new ApplicationFailure("middle", "T", false, [], new Error("bottom")));
  assert.equal(rootCause(chain), "bottom");
  assert.equal(rootCause(chain), common.rootCause(chain));
  assert.equal(rootCause("text"), "text");
  assert.equal(rootCause(7), undefined);
});

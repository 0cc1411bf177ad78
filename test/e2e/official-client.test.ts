// The official @temporalio/client starts workflows that THIS worker runs on
// the dev server (our activity worker serves their activities); each
// scenario then runs again as a full replay of the history it produced.
import assert from "node:assert/strict";
import { type TestContext, test } from "../harness.ts";
import type { ClientOutcome } from "./official-client.ts";
import { newTaskQueue, officialClient, openConnection, replayAll, startDevServer, startOurWorker } from "./support.ts";

/** Runs scenario `name` task by task against the dev server, then as a replay; returns the client's outcome. */
async function twice(t: TestContext, name: string): Promise<ClientOutcome> {
  const server = await startDevServer(t);
  const connection = openConnection(t, server.address);
  const taskQueue = newTaskQueue(name);
  const ours = await startOurWorker(t, connection, taskQueue);
  const outcome = await officialClient(server.address, taskQueue, name);
  await ours.stop();
  const errors = ours.logs.filter((l) => l.level === "ERROR");
  assert.deepEqual(errors, [], "our worker logged no error");
  await replayAll(t, connection, outcome.workflowIds);
  return outcome;
}

test("timers", async (t) => {
  const outcome = await twice(t, "timers");
  assert.equal(outcome.value, "timers fired");
});

test("activities served by our activity worker, one retried until it succeeds", async (t) => {
  const outcome = await twice(t, "activities");
  assert.deepEqual(outcome.value, ["Hello, Ada!", 3]);
});

test("signals and queries, in a task and on a closed workflow", async (t) => {
  const outcome = await twice(t, "signalsAndQueries");
  assert.equal(outcome.value, 6);
  assert.deepEqual(outcome.extra, { afterOne: 1, afterClose: 6 });
});

test("cancellation scopes: a cancelled timer, a timed-out scope, a cancelled activity, a non-cancellable step", async (t) => {
  const outcome = await twice(t, "scopes");
  assert.deepEqual(outcome.value, ["timer cancelled", "scope timed out", "activity cancelled", "Hello, cleanup!"]);
});

test("workflow cancellation from the client ends the run cancelled after its cleanup", async (t) => {
  const outcome = await twice(t, "cancellation");
  assert.equal(outcome.error?.name, "WorkflowFailedError");
  assert.equal(outcome.error?.cause?.name, "CancelledFailure");
});

test("a workflow failure reaches the client with its type, flag and details", async (t) => {
  const outcome = await twice(t, "failure");
  assert.equal(outcome.error?.name, "WorkflowFailedError");
  assert.deepEqual(outcome.error?.cause, {
    name: "ApplicationFailure",
    message: "the order cannot be shipped",
    type: "ShippingError",
    nonRetryable: true,
    details: [{ orderId: 7 }],
  });
});

test("updates: one accepted and answered, one refused by its validator", async (t) => {
  const outcome = await twice(t, "updates");
  assert.equal(outcome.value, 42);
  assert.deepEqual(outcome.extra, { doubled: 42, refused: "cannot double -1: negative numbers are refused" });
});

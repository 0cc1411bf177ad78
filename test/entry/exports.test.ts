// The package entries resolve by name on every runtime (export conditions on
// Node and Bun, the import map on Deno) and carry the names users of the
// official SDK reach for: moving code means changing the import path only.
import assert from "node:assert/strict";
import { test } from "../harness.ts";

const specifier = (sub: string) => `temporal-edge-worker${sub}`;

async function names(sub: string): Promise<Record<string, unknown>> {
  return (await import(specifier(sub))) as Record<string, unknown>;
}

function assertHas(module: Record<string, unknown>, expected: string[], entry: string): void {
  const missing = expected.filter((name) => module[name] === undefined);
  assert.deepEqual(missing, [], `${entry} lacks ${missing.join(", ")}`);
}

test("temporal-edge-worker/workflow exports @temporalio/workflow's names", async () => {
  assertHas(
    await names("/workflow"),
    [
      "proxyActivities", "proxyLocalActivities", "scheduleActivity", "sleep", "condition", "defineSignal", "defineQuery",
      "defineUpdate", "setHandler", "setDefaultSignalHandler", "setDefaultQueryHandler", "setDefaultUpdateHandler",
      "CancellationScope", "isCancellation", "startChild", "executeChild", "getExternalWorkflowHandle", "continueAsNew",
      "makeContinueAsNewFunc", "patched", "deprecatePatch", "uuid4", "workflowInfo", "upsertSearchAttributes", "upsertMemo",
      "log", "ApplicationFailure", "ActivityFailure", "CancelledFailure", "ChildWorkflowFailure", "TerminatedFailure",
      "TimeoutFailure", "ServerFailure", "TemporalFailure", "ContinueAsNew", "Trigger", "ParentClosePolicy",
      "ChildWorkflowCancellationType", "ActivityCancellationType", "WorkflowIdReusePolicy", "allHandlersFinished",
      "currentUpdateInfo", "inWorkflowContext", "rootCause",
    ],
    "/workflow",
  );
});

test("temporal-edge-worker/activity exports @temporalio/activity's names", async () => {
  assertHas(
    await names("/activity"),
    ["Context", "activityInfo", "heartbeat", "sleep", "cancelled", "cancellationSignal", "log", "CompleteAsyncError", "ApplicationFailure", "CancelledFailure"],
    "/activity",
  );
});

test("temporal-edge-worker/client exports @temporalio/client's names", async () => {
  assertHas(
    await names("/client"),
    [
      "Client", "Connection", "WorkflowClient", "AsyncCompletionClient", "WorkflowFailedError", "WorkflowNotFoundError",
      "WorkflowExecutionAlreadyStartedError", "QueryRejectedError", "WorkflowUpdateFailedError", "ActivityNotFoundError",
      "WorkflowIdReusePolicy", "WorkflowIdConflictPolicy",
    ],
    "/client",
  );
});

test("temporal-edge-worker and /testing export the worker, replayer, connection and dev server", async () => {
  const root = await names("");
  assertHas(root, ["Worker", "connect", "runReplayHistory", "runReplayHistories", "ServiceError", "ApplicationFailure", "defaultPayloadConverter", "createAesGcmCodec", "platform"], "root");
  assert.equal(typeof (root.Worker as { create?: unknown }).create, "function");
  assertHas(await names("/testing"), ["createDevServer"], "/testing");
});

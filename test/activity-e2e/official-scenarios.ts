// The Node side of the activity end-to-end test: the OFFICIAL client starts
// workflows that the OFFICIAL worker runs, and checks their results and
// histories; every activity runs on this project's worker in the test's own
// process. Run by official.test.ts: in-process on Node, in a Node child
// process for the Bun and Deno suites.
import type { Workflow, WorkflowHandle, WorkflowStartOptions } from "@temporalio/client";
import proto from "@temporalio/proto";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { OfficialEnvironment, RunningWorker } from "../support/official/environment.ts";
import type { Scenario } from "../support/official/scenario.ts";
import { e2eNames, ourIdentityPrefix, registeredActivityTypes, type ScenarioName, shutdownWork } from "./names.ts";
import type * as workflows from "./official-workflows.ts";

const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle["fetchHistory"]>>["events"]>[number];

const workflowsPath = fileURLToPath(new URL("./official-workflows.js", import.meta.url));

/** One official workflow worker per environment (server), shared by every scenario. */
const workflowWorkers = new WeakMap<OfficialEnvironment, Promise<RunningWorker>>();

async function setup(env: OfficialEnvironment, scenario: ScenarioName) {
  const names = e2eNames(env.address.split(":").pop() ?? "");
  let worker = workflowWorkers.get(env);
  if (worker === undefined) {
    worker = env.startWorker({ taskQueue: names.workflowQueue, workflowsPath });
    workflowWorkers.set(env, worker);
  }
  await worker;
  const workflowId = names.workflowId(scenario);
  return {
    names,
    start<W extends Workflow>(workflow: string, args: Parameters<W>): Promise<WorkflowHandle<W>> {
      const options = { taskQueue: names.workflowQueue, workflowId, args } as unknown as WorkflowStartOptions<W>;
      return env.client.workflow.start<W>(workflow, options);
    },
  };
}

async function history(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  return (await handle.fetchHistory()).events ?? [];
}

const typeOf = (e: HistoryEvent) => (EventType[e.eventType ?? 0] ?? "?").replace(/^EVENT_TYPE_/, "");
const eventsOf = (events: HistoryEvent[], type: string) => events.filter((e) => typeOf(e) === type);

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every activity attempt recorded in the history was started by one of our workers. */
function assertRunByUs(events: HistoryEvent[]): void {
  const started = eventsOf(events, "ACTIVITY_TASK_STARTED");
  assert.ok(started.length > 0, "no activity was started");
  for (const e of started) {
    const identity = e.activityTaskStartedEventAttributes?.identity ?? "";
    assert.ok(identity.startsWith(ourIdentityPrefix), `activity started by "${identity}", not by this project's worker`);
  }
}

/** Waits until the activity of a cancellation scenario has started and heartbeated, so it can learn of the cancel. */
async function activityHeartbeating(env: OfficialEnvironment, handle: WorkflowHandle): Promise<void> {
  await until("the activity to start and heartbeat", async () => {
    const pending = (await handle.describe()).raw.pendingActivities?.[0];
    return pending?.lastHeartbeatTime != null;
  });
}

function cancellation(type: workflows.CancellationTypeName, scenario: ScenarioName): Scenario {
  return {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, scenario);
      const handle = await start<typeof workflows.cancelWorkflow>("cancelWorkflow", [names.activityQueue, type]);
      await activityHeartbeating(env, handle);
      await handle.signal("cancelActivity");
      if (type === "WAIT_CANCELLATION_COMPLETED") {
        // The call ends only when our worker confirms with RespondActivityTaskCanceled.
        assert.equal(await handle.result(), "cancelled (ActivityFailure: CancelledFailure)");
        const types = (await history(handle)).map(typeOf);
        const requested = types.indexOf("ACTIVITY_TASK_CANCEL_REQUESTED");
        const canceled = types.indexOf("ACTIVITY_TASK_CANCELED");
        assert.ok(requested >= 0 && canceled > requested, `expected a cancel request, then the worker's confirmation: ${types.join(", ")}`);
        return;
      }
      // The workflow sees the cancellation at once, without waiting for the worker.
      await until("the workflow to see the cancellation", async () => (await handle.query<string | undefined>("outcome")) !== undefined);
      assert.equal(await handle.query("outcome"), "cancelled (ActivityFailure: CancelledFailure)");
      if (type === "TRY_CANCEL") {
        // The server still asks the activity to cancel; our worker confirms while the workflow is open.
        const events = await until("our worker's RespondActivityTaskCanceled", async () => {
          const events = await history(handle);
          return eventsOf(events, "ACTIVITY_TASK_CANCELED").length > 0 && events;
        });
        const canceled = eventsOf(events, "ACTIVITY_TASK_CANCELED")[0]?.activityTaskCanceledEventAttributes;
        assert.ok(canceled?.identity?.startsWith(ourIdentityPrefix), `canceled by "${canceled?.identity}"`);
        await handle.signal("finish");
        assert.equal(await handle.result(), "cancelled (ActivityFailure: CancelledFailure)");
        return;
      }
      // ABANDON: the server is never asked to cancel; the activity outlives the workflow.
      await handle.signal("finish");
      assert.equal(await handle.result(), "cancelled (ActivityFailure: CancelledFailure)");
      const types = (await history(handle)).map(typeOf);
      assert.ok(!types.includes("ACTIVITY_TASK_CANCEL_REQUESTED"), types.join(", "));
      assert.ok(!types.includes("ACTIVITY_TASK_CANCELED"), types.join(", "));
    },
  };
}

export const scenarios: Record<ScenarioName, Scenario> = {
  success: {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "success");
      const handle = await start<typeof workflows.greetWorkflow>("greetWorkflow", [names.activityQueue]);
      assert.deepEqual(await handle.result(), {
        text: "Hello, Ana!",
        attempt: 1,
        activityType: "greet",
        workflowType: "greetWorkflow",
        taskQueue: names.activityQueue,
      });
      const events = await history(handle);
      assertRunByUs(events);
      const completed = eventsOf(events, "ACTIVITY_TASK_COMPLETED")[0]?.activityTaskCompletedEventAttributes;
      assert.ok(completed?.identity?.startsWith(ourIdentityPrefix), `completed by "${completed?.identity}"`);
    },
  },

  "retries then success": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "retries then success");
      const handle = await start<typeof workflows.flakyWorkflow>("flakyWorkflow", [names.activityQueue]);
      assert.equal(await handle.result(), 3);
      const events = await history(handle);
      assertRunByUs(events);
      const started = eventsOf(events, "ACTIVITY_TASK_STARTED")[0]?.activityTaskStartedEventAttributes;
      assert.equal(started?.attempt, 3);
      // The previous attempt's failure, as our worker reported it: a plain Error becomes a retryable ApplicationFailure.
      assert.equal(started?.lastFailure?.message, "attempt 2 failed on purpose");
      assert.equal(started?.lastFailure?.applicationFailureInfo?.type, "Error");
      assert.equal(started?.lastFailure?.applicationFailureInfo?.nonRetryable ?? false, false);
    },
  },

  "non-retryable failure": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "non-retryable failure");
      const handle = await start<typeof workflows.declinesWorkflow>("declinesWorkflow", [names.activityQueue]);
      const summary = await handle.result();
      assert.equal(summary.activityType, "declines");
      assert.equal(summary.retryState, "NON_RETRYABLE_FAILURE");
      assert.ok(summary.identity?.startsWith(ourIdentityPrefix), `failed by "${summary.identity}"`);
      assert.deepEqual(summary.cause, {
        name: "ApplicationFailure",
        message: "card declined",
        type: "PaymentDeclined",
        nonRetryable: true,
        details: [{ code: 42, retryable: false }],
      });
      const started = eventsOf(await history(handle), "ACTIVITY_TASK_STARTED");
      assert.deepEqual(
        started.map((e) => e.activityTaskStartedEventAttributes?.attempt),
        [1],
      );
    },
  },

  "heartbeat details reach the next attempt": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "heartbeat details reach the next attempt");
      const handle = await start<typeof workflows.progressWorkflow>("progressWorkflow", [names.activityQueue]);
      // Attempt 1 heartbeated steps 1..5 in one go: the throttle sent 1 and had to flush 5 before failing.
      assert.deepEqual(await handle.result(), { step: 5 });
      assertRunByUs(await history(handle));
    },
  },

  "heartbeat timeout": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "heartbeat timeout");
      const handle = await start<typeof workflows.stallsWorkflow>("stallsWorkflow", [names.activityQueue]);
      assert.deepEqual(await handle.result(), { attempt: 2, heartbeatDetails: "alive" });
      const events = await history(handle);
      assertRunByUs(events);
      const started = eventsOf(events, "ACTIVITY_TASK_STARTED")[0]?.activityTaskStartedEventAttributes;
      assert.equal(started?.attempt, 2);
      assert.equal(
        started?.lastFailure?.timeoutFailureInfo?.timeoutType,
        temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT,
        `attempt 1 should have ended in a heartbeat timeout: ${JSON.stringify(started?.lastFailure)}`,
      );
    },
  },

  "cancellation TRY_CANCEL": cancellation("TRY_CANCEL", "cancellation TRY_CANCEL"),
  "cancellation WAIT_CANCELLATION_COMPLETED": cancellation("WAIT_CANCELLATION_COMPLETED", "cancellation WAIT_CANCELLATION_COMPLETED"),
  "cancellation ABANDON": cancellation("ABANDON", "cancellation ABANDON"),

  "async completion": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "async completion");
      const handle = await start<typeof workflows.completesLaterWorkflow>("completesLaterWorkflow", [names.activityQueue]);
      // The test's process completes the activity by task token through this project's client.
      assert.deepEqual(await handle.result(), { completedBy: "AsyncCompletionClient" });
      const events = await history(handle);
      assertRunByUs(events);
      const types = events.map(typeOf);
      assert.ok(types.includes("ACTIVITY_TASK_COMPLETED"), types.join(", "));
    },
  },

  "shutdown with activities in flight": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "shutdown with activities in flight");
      const handle = await start<typeof workflows.shutdownWorkflow>("shutdownWorkflow", [names.shutdownQueue]);
      const results = await handle.result();
      // Quick activities finished on worker A within the grace time; the rest were retried once, on worker B.
      assert.deepEqual(
        results.map((r) => r.attempt),
        shutdownWork.map((ms) => (ms < 10_000 ? 1 : 2)),
      );
      const events = await history(handle);
      const started = eventsOf(events, "ACTIVITY_TASK_STARTED").map((e) => e.activityTaskStartedEventAttributes);
      assert.equal(started.length, shutdownWork.length);
      for (const s of started) {
        const expected = s?.attempt === 1 ? `${ourIdentityPrefix}-A` : `${ourIdentityPrefix}-B`;
        assert.ok(s?.identity?.startsWith(expected), `attempt ${s?.attempt} started by "${s?.identity}", expected ${expected}`);
        if (s?.attempt === 2) {
          assert.equal(s.lastFailure?.applicationFailureInfo?.type, "WorkerShutdown");
          assert.equal(s.lastFailure?.applicationFailureInfo?.nonRetryable ?? false, false);
        }
      }
    },
  },

  "unregistered activity type": {
    server: "normal",
    async run(env) {
      const { names, start } = await setup(env, "unregistered activity type");
      const handle = await start<typeof workflows.unregisteredWorkflow>("unregisteredWorkflow", [names.activityQueue]);
      const summary = await handle.result();
      assert.equal(summary.activityType, "notRegistered");
      assert.deepEqual(summary.cause, {
        name: "ApplicationFailure",
        message: `Activity function notRegistered is not registered on this Worker, available activities: ${JSON.stringify(registeredActivityTypes)}`,
        type: "NotFoundError",
        nonRetryable: false,
        details: [],
      });
    },
  },
};

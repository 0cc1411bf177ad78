// Scenarios in which the official @temporalio/client and @temporalio/worker
// run real workflows on the dev server. Run by official.test.ts: in-process on
// Node, in a Node child process for the Bun and Deno suites.
import { WorkflowFailedError, WorkflowUpdateFailedError, type WorkflowHandle } from "@temporalio/client";
import proto from "@temporalio/proto";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { makeFixActivities, makeHistoryActivities } from "../support/official/activities.ts";
import { historiesRoot } from "../support/paths.ts";
import * as activities from "../support/official/activities.ts";
import type { OfficialEnvironment } from "../support/official/environment.ts";
import type { Scenario } from "../support/official/scenario.ts";
import type * as workflows from "../support/official/workflows.ts";
import type { ScenarioName } from "./official-scenario-names.ts";

const { temporal } = proto;
const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle["fetchHistory"]>>["events"]>[number];

/** The history's event types, without the EVENT_TYPE_ prefix. */
export async function eventTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => (EventType[e.eventType ?? 0] ?? "?").replace(/^EVENT_TYPE_/, ""));
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withWorker<T>(env: OfficialEnvironment, taskQueue: string, body: () => Promise<T>, acts: object = activities): Promise<T> {
  const worker = await env.startWorker({ taskQueue, activities: acts });
  try {
    return await body();
  } finally {
    await worker.stop();
  }
}

const id = (taskQueue: string, suffix = "wf") => `${taskQueue}-${suffix}`;

/** Event types of a recorded tier-A history in ../shared/histories/sdk-typescript. */
function recordedEventTypes(file: string): string[] {
  const path = join(historiesRoot, "sdk-typescript", file);
  const history = JSON.parse(readFileSync(path, "utf8")) as { events: Array<{ eventType: string }> };
  // Older recordings spell types in CamelCase ("WorkflowExecutionStarted").
  const snake = (t: string) => (t.startsWith("EVENT_TYPE_") ? t.slice(11) : t.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase());
  return history.events.map((e) => snake(e.eventType));
}

/** Runs a tier-A workflow with the official worker and compares its event types with the recordings. */
function tierA(files: string[], start: (env: OfficialEnvironment, taskQueue: string) => Promise<WorkflowHandle>): Scenario {
  return {
    server: "normal",
    async run(env, taskQueue) {
      const acts = makeHistoryActivities((workflowId, signal) => env.client.workflow.getHandle(workflowId).signal(signal));
      await withWorker(
        env,
        taskQueue,
        async () => {
          const handle = await start(env, taskQueue);
          await handle.result();
          const ours = await eventTypes(handle);
          for (const file of files) assert.deepEqual(ours, recordedEventTypes(file), file);
        },
        acts,
      );
    },
  };
}

export const scenarios: Record<ScenarioName, Scenario> = {
  "timer then activity": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.sleepThenGreet>("sleepThenGreet", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [50, "dev server"],
        });
        assert.equal(await handle.result(), "Hello, dev server!");
        assert.deepEqual(await eventTypes(handle), [
          "WORKFLOW_EXECUTION_STARTED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "TIMER_STARTED",
          "TIMER_FIRED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "ACTIVITY_TASK_SCHEDULED",
          "ACTIVITY_TASK_STARTED",
          "ACTIVITY_TASK_COMPLETED",
          "WORKFLOW_TASK_SCHEDULED",
          "WORKFLOW_TASK_STARTED",
          "WORKFLOW_TASK_COMPLETED",
          "WORKFLOW_EXECUTION_COMPLETED",
        ]);
      }),
  },
  "activity retries until it succeeds": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.retriesActivity>("retriesActivity", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [3],
        });
        assert.equal(await handle.result(), 3);
        const history = await handle.fetchHistory();
        const started = history.events?.find((e) => e.activityTaskStartedEventAttributes);
        assert.equal(started?.activityTaskStartedEventAttributes?.attempt, 3);
        assert.match(started?.activityTaskStartedEventAttributes?.lastFailure?.message ?? "", /attempt 2 failed on purpose/);
      }),
  },
  "non-retryable activity failure": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.nonRetryableActivity>("nonRetryableActivity", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        assert.equal(await handle.result(), "caught: this cannot work");
        const history = await handle.fetchHistory();
        const failed = history.events?.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
        assert.equal(failed?.retryState, temporal.api.enums.v1.RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
      }),
  },
  "heartbeat details reach the next attempt": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.heartbeatDetailsWorkflow>("heartbeatDetailsWorkflow", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        assert.deepEqual(await handle.result(), { progress: 42 });
      }),
  },
  "heartbeat timeout retries the activity": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.heartbeatTimeoutWorkflow>("heartbeatTimeoutWorkflow", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        assert.equal(await handle.result(), 2);
        const history = await handle.fetchHistory();
        const started = history.events?.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes;
        assert.equal(started?.lastFailure?.timeoutFailureInfo?.timeoutType, temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
      }),
  },
  "activity cancellation": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.cancelsActivity>("cancelsActivity", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        assert.equal(await handle.result(), "activity cancelled");
        const types = await eventTypes(handle);
        assert.ok(types.includes("ACTIVITY_TASK_CANCEL_REQUESTED"), types.join());
        assert.ok(types.includes("ACTIVITY_TASK_CANCELED"), types.join());
      }),
  },
  "signals, queries and an update whose validator rejects": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.approvals>("approvals", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [3],
        });
        await handle.signal("approve", "ada");
        await until("the first signal to be seen by a query", async () => (await handle.query<string>("status")) === "1/3");
        const eventsBefore = (await eventTypes(handle)).length;
        await assert.rejects(handle.executeUpdate<number, [number]>("setLimit", { args: [0] }), (err: unknown) => {
          assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
          assert.match(String((err as Error & { cause?: Error }).cause?.message), /limit must be at least 1/);
          return true;
        });
        assert.equal((await eventTypes(handle)).length, eventsBefore, "a rejected update leaves no event, not even its workflow task");
        assert.equal(await handle.executeUpdate<number, [number]>("setLimit", { args: [2] }), 3);
        await handle.signal("approve", "grace");
        assert.deepEqual(await handle.result(), ["ada", "grace"]);
        assert.equal(await handle.query<string>("status"), "2/2", "query on the closed workflow");
        const types = await eventTypes(handle);
        assert.equal(types.filter((t) => t === "WORKFLOW_EXECUTION_UPDATE_ACCEPTED").length, 1, "the rejected update left no event");
        assert.equal(types.filter((t) => t === "WORKFLOW_EXECUTION_UPDATE_COMPLETED").length, 1);
        assert.equal(types.filter((t) => t === "WORKFLOW_EXECUTION_SIGNALED").length, 2);
      }),
  },
  "child workflows": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.parentWorkflow>("parentWorkflow", {
          taskQueue,
          workflowId: id(taskQueue),
          args: ["kid"],
        });
        assert.deepEqual(await handle.result(), ["child says hello to kid", "parent"]);
        const types = await eventTypes(handle);
        for (const t of [
          "START_CHILD_WORKFLOW_EXECUTION_INITIATED",
          "CHILD_WORKFLOW_EXECUTION_STARTED",
          "CHILD_WORKFLOW_EXECUTION_COMPLETED",
          "SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED",
          "EXTERNAL_WORKFLOW_EXECUTION_SIGNALED",
        ]) {
          assert.ok(types.includes(t), `${t} missing from ${types.join()}`);
        }
        const child = env.client.workflow.getHandle(`${id(taskQueue)}-child-2`);
        const childHistory = await child.fetchHistory();
        const started = childHistory.events?.[0]?.workflowExecutionStartedEventAttributes;
        assert.equal(started?.parentWorkflowExecution?.workflowId, id(taskQueue));
      }),
  },
  "continue-as-new chain followed by result()": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.countdown>("countdown", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [3],
        });
        assert.equal(await handle.result(), "done after continuing");
        const firstRun = env.client.workflow.getHandle(id(taskQueue), handle.firstExecutionRunId);
        const types = await eventTypes(firstRun);
        assert.equal(types.at(-1), "WORKFLOW_EXECUTION_CONTINUED_AS_NEW");
        const description = await env.client.workflow.getHandle(id(taskQueue)).describe();
        assert.equal(description.status.name, "COMPLETED");
        assert.notEqual(description.runId, handle.firstExecutionRunId);
      }),
  },
  "workflow cancellation": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.waitsForCancel>("waitsForCancel", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        await until("the timer to start", async () => (await eventTypes(handle)).includes("TIMER_STARTED"));
        await handle.cancel();
        await assert.rejects(handle.result(), (err: unknown) => err instanceof WorkflowFailedError && /cancel/i.test(err.message));
        const types = await eventTypes(handle);
        assert.ok(types.includes("WORKFLOW_EXECUTION_CANCEL_REQUESTED"));
        assert.ok(types.includes("ACTIVITY_TASK_COMPLETED"), "the cleanup activity ran");
        assert.equal(types.at(-1), "WORKFLOW_EXECUTION_CANCELED");
      }),
  },
  "termination": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.sleepsForever>("sleepsForever", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        await until("the timer to start", async () => (await eventTypes(handle)).includes("TIMER_STARTED"));
        await handle.terminate("enough");
        await assert.rejects(handle.result(), (err: unknown) => err instanceof WorkflowFailedError && err.message === "enough");
        assert.equal((await handle.describe()).status.name, "TERMINATED");
      }),
  },
  "signal-with-start": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.signalWithStart<typeof workflows.approvals, [string]>("approvals", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [2],
          signal: "approve",
          signalArgs: ["first"],
        });
        await env.client.workflow.signalWithStart<typeof workflows.approvals, [string]>("approvals", {
          taskQueue,
          workflowId: id(taskQueue),
          args: [2],
          signal: "approve",
          signalArgs: ["second"],
        });
        assert.deepEqual(await handle.result(), ["first", "second"]);
        const types = await eventTypes(handle);
        assert.deepEqual(types.slice(0, 3), ["WORKFLOW_EXECUTION_STARTED", "WORKFLOW_EXECUTION_SIGNALED", "WORKFLOW_TASK_SCHEDULED"]);
      }),
  },
  "a failing workflow task recovers on a fixed worker": {
    server: "normal",
    async run(env, taskQueue) {
      const broken = await env.startWorker({ taskQueue, activities: makeFixActivities(false) });
      const handle = await env.client.workflow.start<typeof workflows.needsFix>("needsFix", {
        taskQueue,
        workflowId: id(taskQueue),
        workflowTaskTimeout: "2s",
      });
      await until("a second workflow task attempt", async () => ((await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0) >= 2);
      await broken.stop();
      await withWorker(env, taskQueue, async () => assert.equal(await handle.result(), "fixed"), makeFixActivities(true));
      const types = await eventTypes(handle);
      const failures = types.filter((t) => t === "WORKFLOW_TASK_FAILED" || t === "WORKFLOW_TASK_TIMED_OUT");
      assert.equal(failures.length, 1, `retries of a failing task are transient: ${types.join()}`);
    },
  },
  "sticky queue falls back when the worker stops": {
    server: "normal",
    async run(env, taskQueue) {
      const first = await env.startWorker({ taskQueue, activities });
      const handle = await env.client.workflow.start<typeof workflows.approvals>("approvals", {
        taskQueue,
        workflowId: id(taskQueue),
        args: [2],
      });
      // The first task completes before the signal, so the signal's task is the run's second.
      await until("the first workflow task", async () => (await eventTypes(handle)).includes("WORKFLOW_TASK_COMPLETED"));
      await handle.signal("approve", "one");
      await until("the signal to be processed", async () => (await eventTypes(handle)).filter((t) => t === "WORKFLOW_TASK_COMPLETED").length >= 2);
      const history = await handle.fetchHistory();
      const scheduled = history.events?.filter((e) => e.workflowTaskScheduledEventAttributes).at(-1);
      assert.equal(
        scheduled?.workflowTaskScheduledEventAttributes?.taskQueue?.kind,
        temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_STICKY,
        "the second task went to the sticky queue",
      );
      await first.stop();
      await withWorker(env, taskQueue, async () => {
        await handle.signal("approve", "two");
        assert.deepEqual(await handle.result(), ["one", "two"]);
      });
    },
  },
  "time skipping: a day-long sleep completes at once": {
    server: "skipping",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        // A first run warms the worker up, so the measured one times the server.
        await env.client.workflow.execute<typeof workflows.oneDaySleep>("oneDaySleep", { taskQueue, workflowId: id(taskQueue, "warm-up") });
        const started = Date.now();
        const handle = await env.client.workflow.start<typeof workflows.oneDaySleep>("oneDaySleep", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        assert.equal(await handle.result(), "rested");
        // Well under a second on an idle machine; the bound leaves room for a
        // loaded CI box while staying four orders of magnitude below a day.
        const wallMs = Date.now() - started;
        assert.ok(wallMs < 5_000, `took ${wallMs} ms of wall time`);
        const history = await handle.fetchHistory();
        const time = (pred: (e: HistoryEvent) => unknown) => {
          const t = history.events?.find(pred)?.eventTime;
          return Number(t?.seconds ?? 0) * 1000;
        };
        const slept = time((e) => e.timerFiredEventAttributes) - time((e) => e.timerStartedEventAttributes);
        assert.ok(slept >= 86_400_000 - 1000, `the history shows ${slept} ms between TimerStarted and TimerFired`);
      }),
  },
  "a workflow that fails": {
    server: "normal",
    run: (env, taskQueue) =>
      withWorker(env, taskQueue, async () => {
        const handle = await env.client.workflow.start<typeof workflows.failsWorkflow>("failsWorkflow", {
          taskQueue,
          workflowId: id(taskQueue),
        });
        await assert.rejects(handle.result(), (err: unknown) => {
          assert.ok(err instanceof WorkflowFailedError);
          assert.match(String((err as Error & { cause?: Error }).cause?.message), /workflow gave up/);
          return true;
        });
        const list = [];
        for await (const info of env.client.workflow.list({ query: `WorkflowId = '${id(taskQueue)}'` })) list.push(info);
        assert.equal(list.length, 1);
        assert.equal(list[0]?.status.name, "FAILED");
        const count = await env.client.workflow.count(`WorkflowId = '${id(taskQueue)}' AND ExecutionStatus = 'Failed'`);
        assert.equal(count.count, 1);
      }),
  },
  "tier-A histories: cancel_fake_progress_history (+ _bin)": tierA(["cancel_fake_progress_history.json", "cancel_fake_progress_history_bin.json"], (env, taskQueue) =>
    env.client.workflow.start("cancelFakeProgress", { taskQueue, workflowId: id(taskQueue) }),
  ),
  "tier-A history: lang_flags_replay_correctly_1_11_1": tierA(["lang_flags_replay_correctly_1_11_1.json"], (env, taskQueue) =>
    env.client.workflow.start("langFlagsReplayCorrectly", { taskQueue, workflowId: id(taskQueue) }),
  ),
  "tier-A histories: otel_1_13_1, otel_1_11_3": tierA(["otel_1_13_1.json", "otel_1_11_3.json"], (env, taskQueue) =>
    env.client.workflow.signalWithStart("signalStartOtel", { taskQueue, workflowId: id(taskQueue), signal: "startSignal" }),
  ),
};

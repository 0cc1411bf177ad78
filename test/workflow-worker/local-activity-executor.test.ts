// The local activity executor on its own, fed requests as the engine sends
// them: what it reports, and what the activity code sees.
import assert from "node:assert/strict";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { durationFromMs, durationMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { TimeoutType } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { ActivityCancellationType, ScheduleLocalActivitySchema } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { Context } from "../../src/activity/context.ts";
import { cancellationSignal, sleep } from "../../src/activity/index.ts";
import { installContextStorage } from "../../src/activity/context-storage.ts";
import { loadDataConverter } from "../../src/converter/data-converter.ts";
import { ApplicationFailure } from "../../src/failure/index.ts";
import { noopMeter } from "../../src/metrics/types.ts";
import { createActivityConversion } from "../../src/worker/activity/conversion.ts";
import { createLocalActivityExecutor, type LocalActivityExecutor } from "../../src/worker/workflow/local-activity-executor.ts";
import { eventually, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();
const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

function setup(activities: Record<string, (...args: unknown[]) => unknown>): { executor: LocalActivityExecutor; betweenTasks: string[] } {
  const betweenTasks: string[] = [];
  const executor = createLocalActivityExecutor({
    namespace: "default",
    taskQueue: "tq",
    activities: new Map(Object.entries(activities)),
    conversion: createActivityConversion(loadDataConverter()),
    storage: installContextStorage(() => platform.createAsyncLocalStorage<Context>()),
    logger: silent,
    metrics: noopMeter,
    onResolutionBetweenTasks: (runId) => betweenTasks.push(runId),
  });
  return { executor, betweenTasks };
}

function startRequest(seq: number, activityType: string, extra: MessageInitShape<typeof ScheduleLocalActivitySchema> = {}) {
  return {
    kind: "start" as const,
    runId: "run-1",
    workflowId: "wf",
    workflowType: "Wf",
    originalScheduleTime: timestampFromMs(Date.now()),
    command: create(ScheduleLocalActivitySchema, { seq, activityId: String(seq), activityType, attempt: 1, startToCloseTimeout: durationFromMs(5_000), ...extra }),
  };
}

const farAway = () => Date.now() + 10_000;

test("a backoff above localRetryThreshold comes back as a failed attempt with the delay", async () => {
  const { executor } = setup({ fails: () => Promise.reject(ApplicationFailure.retryable("no", "Nope")) });
  executor.dispatch([
    startRequest(1, "fails", {
      localRetryThreshold: durationFromMs(100),
      retryPolicy: { initialInterval: durationFromMs(10), backoffCoefficient: 30, maximumAttempts: 5 },
    }),
  ]);
  const [resolution] = await executor.waitForResolutions("run-1", farAway());
  // Attempt 1 failed, retried locally after 10 ms; attempt 2 would wait 300 ms: the workflow sleeps on a timer instead.
  assert.equal(resolution?.attempt, 2);
  assert.equal(resolution?.outcome.case, "failed");
  assert.equal(resolution?.backoff && durationMs(resolution.backoff), 300);
  assert.equal(executor.running, 0);
});

test("schedule-to-close bounds all attempts and reports a timeout", async () => {
  const { executor } = setup({ stalls: () => sleep(10_000) });
  executor.dispatch([startRequest(1, "stalls", { startToCloseTimeout: durationFromMs(100), scheduleToCloseTimeout: durationFromMs(250), retryPolicy: { initialInterval: durationFromMs(10) } })]);
  const [resolution] = await executor.waitForResolutions("run-1", farAway());
  assert.equal(resolution?.outcome.case, "timedOut");
  const info = resolution?.outcome.case === "timedOut" ? resolution.outcome.failure.failureInfo : undefined;
  assert.equal(info?.case === "timeoutFailureInfo" ? info.value.timeoutType : undefined, TimeoutType.SCHEDULE_TO_CLOSE);
  assert.ok((resolution?.attempt ?? 0) >= 2, "it retried after the start-to-close timeouts");
});

test("WAIT_CANCELLATION_COMPLETED reports the activity's own end; eviction cancels silently", async () => {
  let sawCancel = 0;
  const { executor, betweenTasks } = setup({
    async waits() {
      const signal = cancellationSignal();
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      sawCancel++;
      throw signal.reason;
    },
  });
  executor.dispatch([startRequest(1, "waits", { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED }), startRequest(2, "waits")]);
  await eventually(() => executor.running === 2);
  executor.dispatch([{ kind: "cancel", runId: "run-1", seq: 1 }]);
  const [cancelled] = await executor.waitForResolutions("run-1", farAway());
  assert.equal(cancelled?.seq, 1);
  assert.equal(cancelled?.outcome.case, "cancelled");
  assert.equal(sawCancel, 1);
  // The run is evicted while seq 2 runs: the activity is cancelled, and nothing is reported for it.
  executor.cancelRun("run-1");
  await eventually(() => sawCancel === 2 && executor.running === 0);
  assert.deepEqual(executor.takeResolutions("run-1"), []);
  assert.deepEqual(betweenTasks, []);
});

test("a result that arrives while no task waits is kept for the run and announced", async () => {
  const { executor, betweenTasks } = setup({ plusOne: async (n: unknown) => (n as number) + 1 });
  const conversion = createActivityConversion(loadDataConverter());
  executor.dispatch([startRequest(1, "plusOne", { arguments: await conversion.encode([41]) })]);
  await eventually(() => betweenTasks.length === 1);
  assert.deepEqual(betweenTasks, ["run-1"]);
  const [resolution] = executor.takeResolutions("run-1");
  assert.equal(resolution?.outcome.case, "completed");
  const result = resolution?.outcome.case === "completed" ? resolution.outcome.result : undefined;
  assert.deepEqual(await conversion.decodeArgs(result ? [result] : []), [42]);
  assert.deepEqual(executor.takeResolutions("run-1"), []);
});

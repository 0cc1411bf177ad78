// sdk-typescript/random-replay-1.17.2 proves the seeded Math.random / uuid4
// sequence: the values the workflow draws here must be the ones the official
// worker drew (recorded in the child ids of the history and in its result),
// across the reset in the middle of the run that reseeds the generator.
import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "../../gen/temporal/api/command/v1/message_pb.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { WorkflowQuerySchema } from "../../gen/temporal/api/query/v1/message_pb.ts";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { driveWorkflowTask } from "../../src/engine/drive-task.ts";
import { eventIdOf } from "../../src/engine/history/events.ts";
import { parseHistories } from "../../src/engine/history/history-file.ts";
import { randomnessSeedFromRunId } from "../../src/engine/randomness-seed.ts";
import { WorkflowRun } from "../../src/engine/workflow-run.ts";
import { DeterminismViolationError, runReplayHistory } from "../../src/replay/index.ts";
import { createInProcessWorkflowRuntime, type WorkflowRuntime } from "../../src/workflow/index.ts";
import { runIncrementally } from "../engine/scenario.ts";
import { test } from "../harness.ts";
import { historiesRoot } from "../support/paths.ts";
import { runtimePlatform } from "../support/platform.ts";
import * as randomReset from "./workflows/random-reset.ts";

const platform = await runtimePlatform();
const FILE = "sdk-typescript/random-replay-1.17.2.json";
const history: History = parseHistories(readFileSync(join(historiesRoot, FILE)), FILE)[0]!;

function newRuntime(t: { defer(fn: () => unknown): void }): WorkflowRuntime {
  const runtime = createInProcessWorkflowRuntime({
    workflows: randomReset,
    namespace: "default",
    taskQueue: "replay",
    createAsyncLocalStorage: platform.createAsyncLocalStorage,
  });
  t.defer(() => runtime.dispose());
  return runtime;
}

function only<T>(values: T[], what: string): T {
  assert.equal(values.length, 1, `the history holds one ${what}`);
  return values[0]!;
}

const started = only(history.events.flatMap((e) => (e.attributes.case === "workflowExecutionStartedEventAttributes" ? [e.attributes.value] : [])), "start");
const reset = only(history.events.flatMap((e) => (e.attributes.case === "workflowTaskFailedEventAttributes" ? [e.attributes.value] : [])), "reset");
const completed = only(history.events.flatMap((e) => (e.attributes.case === "workflowExecutionCompletedEventAttributes" ? [e.attributes.value] : [])), "completion");
const recordedChildIds = history.events.flatMap((e) => (e.attributes.case === "startChildWorkflowExecutionInitiatedEventAttributes" ? [e.attributes.value.workflowId] : []));
const recordedCaptures = JSON.parse(new TextDecoder().decode(completed.result!.payloads[0]!.data)) as randomReset.RandomCapture[];

/** What the workflow returned, read from the CompleteWorkflowExecution command it issued. */
function capturesOf(commands: readonly Command[]): randomReset.RandomCapture[] {
  const complete = commands.at(-1)?.attributes;
  assert.equal(complete?.case, "completeWorkflowExecutionCommandAttributes", "the last command completes the workflow");
  const payload = complete.case === "completeWorkflowExecutionCommandAttributes" ? complete.value.result?.payloads[0] : undefined;
  assert.ok(payload, "the completion carries a result");
  return JSON.parse(new TextDecoder().decode(payload.data)) as randomReset.RandomCapture[];
}

test("random-replay-1.17.2: the recorded values are the ground truth this test compares with", () => {
  assert.equal(recordedCaptures.length, 4);
  assert.deepEqual(
    recordedCaptures.map((c) => c.childWorkflowId),
    recordedChildIds,
  );
  assert.notEqual(reset.newRunId, "");
  assert.notEqual(reset.newRunId, started.originalExecutionRunId);
});

test("random-replay-1.17.2 replays with real workflow code", async () => {
  await runReplayHistory({ workflows: randomReset, platform, source: FILE }, history);
});

test("random-replay-1.17.2, in one replay task, draws the Math.random, uuid4 and child ids the official worker drew", async (t) => {
  // Every event but the last task's completion: the whole run replays and the
  // final task is new work, so the workflow's result comes out as a command.
  const events = history.events.slice(0, -2);
  const lastStarted = history.events.slice(0, -3).findLast((e) => e.attributes.case === "workflowTaskStartedEventAttributes")!;
  const run = new WorkflowRun({ runId: started.originalExecutionRunId, workflowId: "wf", workflowType: "directRandomAndUuidResetWorkflow", sdkName: "t", sdkVersion: "0" });
  const activations: WorkflowActivation[] = [];
  const result = await driveWorkflowTask(run, newRuntime(t), { events, previousStartedEventId: eventIdOf(lastStarted) }, { onActivation: (a) => activations.push(a) });
  assert.equal(result.kind, "completed", result.kind === "failed" ? result.error.message : result.kind);
  assert.deepEqual(capturesOf(result.kind === "completed" ? result.commands : []), recordedCaptures);

  // The seeds behind those values: SipHash-1-3 of the original run id, then of the reset's new run id.
  const jobs = activations.flatMap((a) => a.jobs.map((j) => j.variant));
  const init = jobs.find((j) => j.case === "initializeWorkflow");
  assert.equal(init?.case === "initializeWorkflow" ? init.value.randomnessSeed : undefined, randomnessSeedFromRunId(started.originalExecutionRunId));
  const reseeds = jobs.filter((j) => j.case === "updateRandomSeed").map((j) => (j.case === "updateRandomSeed" ? j.value.randomnessSeed : 0n));
  assert.deepEqual(reseeds, [randomnessSeedFromRunId(reset.newRunId)]);
});

test("random-replay-1.17.2, task by task, gives the recorded commands and the recorded values", async (t) => {
  const results = await runIncrementally(history.events, newRuntime(t));
  const last = results.at(-1);
  assert.equal(last?.kind, "completed");
  assert.deepEqual(capturesOf(last.kind === "completed" ? last.commands : []), recordedCaptures);
});

test("random-replay-1.17.2 with one extra Math.random() call fails with [TMPRL1100] at the first child start", async () => {
  const err = await runReplayHistory({ workflows: randomReset.drawsOneMore, platform, source: FILE }, history).then(
    () => assert.fail("expected a nondeterminism error"),
    (e: unknown) => e as Error,
  );
  assert.ok(err instanceof DeterminismViolationError, String(err));
  assert.match(err.message, /\[TMPRL1100\]/);
  assert.match(err.message, /event 5\b/);
  assert.ok(err.message.includes(recordedChildIds[0]!), err.message);
});

test("random-replay-1.17.2: a query on the closed run (a legacy query task over its whole history) answers the recorded captures", async (t) => {
  const run = new WorkflowRun({ runId: started.originalExecutionRunId, workflowId: "wf", workflowType: "directRandomAndUuidResetWorkflow", sdkName: "t", sdkVersion: "0" });
  const lastStarted = history.events.findLast((e) => e.attributes.case === "workflowTaskStartedEventAttributes")!;
  const result = await driveWorkflowTask(run, newRuntime(t), {
    events: history.events,
    previousStartedEventId: eventIdOf(lastStarted),
    legacyQuery: create(WorkflowQuerySchema, { queryType: randomReset.capturesQuery.name }),
  });
  assert.equal(result.kind, "legacyQuery", result.kind === "failed" ? result.error.message : result.kind);
  const answer = result.kind === "legacyQuery" ? result.answer?.variant : undefined;
  assert.equal(answer?.case, "succeeded", JSON.stringify(result));
  const payload = answer?.case === "succeeded" ? answer.value.response : undefined;
  assert.deepEqual(JSON.parse(new TextDecoder().decode(payload?.data)), recordedCaptures);
});

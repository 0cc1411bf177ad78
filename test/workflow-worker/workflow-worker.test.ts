// The workflow worker against a scripted WorkflowService: what it polls,
// what it answers, when it replays the full history and when it evicts.
import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { QueryResultType } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { WorkflowActivationSchema } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { Code } from "../../src/common/errors.ts";
import { defaultPayloadConverter } from "../../src/converter/payload-converters.ts";
import { createWorkflowWorker } from "../../src/worker/workflow/workflow-worker.ts";
import { HistoryBuilder } from "../engine/history-builder.ts";
import { eventually, type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import { type Answer, type FakeWorkflowService, startFakeWorkflowService } from "./fake-workflow-service.ts";
import { decode, query, type RunningWorkflowWorker, recordingRuntime, startWorkflowWorker, TASK_QUEUE } from "./setup.ts";

const platform = await runtimePlatform();

let runs = 0;
const newRunId = () => `run-${Date.now()}-${++runs}`;

function commandTypes(answer: Answer): string[] {
  assert.equal(answer.kind, "completed", `expected a completion, got ${answer.kind}`);
  return (answer.kind === "completed" ? answer.request.commands : []).map((c) => c.attributes.case ?? "?");
}

async function stickyQueueOf(w: RunningWorkflowWorker): Promise<string> {
  const name = w.worker.status().stickyQueue;
  assert.ok(name !== undefined, "the worker should have a sticky queue");
  return name;
}

/** Runs the first task of a sleeper run (starts its timer); returns the builder positioned after it. */
async function startSleeper(t: TestContext, fake: FakeWorkflowService, runId: string): Promise<HistoryBuilder> {
  const b = new HistoryBuilder("sleeper", runId).start();
  const token = fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events] });
  assert.deepEqual(commandTypes(await fake.answer(token, t.signal)), ["startTimerCommandAttributes"]);
  return b;
}

/** The timer fired: the events of the second task, from `from` on. */
function timerFired(b: HistoryBuilder): HistoryBuilder {
  return b.wftCompleted().timerStarted(1).timerFired(1).wftScheduledAndStarted();
}

test("polls the task queue and its own sticky queue, answers with sticky attributes, then gets only new events", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const sticky = await stickyQueueOf(w);
  assert.ok(sticky.startsWith(`test-worker-${TASK_QUEUE}-`), sticky);
  await eventually(() => fake.polls.some((p) => p.taskQueue?.name === sticky) && fake.polls.some((p) => p.taskQueue?.name === TASK_QUEUE));
  const stickyPoll = fake.polls.find((p) => p.taskQueue?.name === sticky);
  assert.equal(stickyPoll?.taskQueue?.kind, TaskQueueKind.STICKY);
  assert.equal(stickyPoll?.taskQueue?.normalName, TASK_QUEUE);
  assert.equal(stickyPoll?.identity, "test-worker");

  const runId = newRunId();
  const b = new HistoryBuilder("sleeper", runId).start();
  const first = await fake.answer(fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events] }), t.signal);
  assert.deepEqual(commandTypes(first), ["startTimerCommandAttributes"]);
  assert.equal(first.kind, "completed");
  if (first.kind !== "completed") return;
  const req = first.request;
  assert.equal(req.stickyAttributes?.workerTaskQueue?.name, sticky);
  assert.equal(req.stickyAttributes?.workerTaskQueue?.kind, TaskQueueKind.STICKY);
  assert.equal(req.stickyAttributes?.scheduleToStartTimeout?.seconds, 10n);
  assert.equal(req.returnNewWorkflowTask, false);
  assert.equal(req.identity, "test-worker");
  assert.equal(req.namespace, "default");
  assert.equal(req.binaryChecksum, "");
  assert.equal(req.meteringMetadata, undefined);
  assert.equal(req.deployment, undefined);
  assert.ok(req.sdkMetadata !== undefined, "sdkMetadata is sent");
  assert.equal(w.worker.status().cachedRuns, 1);

  const before = b.events.length;
  timerFired(b);
  const second = await fake.answer(
    fake.push(sticky, { runId, workflowType: "sleeper", events: b.events.slice(before), previousStartedEventId: before }),
    t.signal,
  );
  assert.deepEqual(commandTypes(second), ["completeWorkflowExecutionCommandAttributes"]);
  assert.equal(fake.historyRequests.length, 0, "a cached run needs no history fetch");
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_sticky_cache_hit{")));
  // The run closed: it leaves the cache.
  await eventually(() => w.evictions.some((e) => e.runId === runId && e.reason === "WORKFLOW_EXECUTION_ENDING"));
  assert.equal(w.worker.status().cachedRuns, 0);
});

test("a sticky task for a run not in the cache replays the full history fetched with GetWorkflowExecutionHistory", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const sticky = await stickyQueueOf(w);
  const runId = newRunId();
  const b = timerFired(new HistoryBuilder("sleeper", runId).start());
  fake.fullHistories.set(runId, [...b.events]);
  const answer = await fake.answer(
    fake.push(sticky, { runId, workflowType: "sleeper", events: b.events.slice(3), previousStartedEventId: 3 }),
    t.signal,
  );
  assert.deepEqual(commandTypes(answer), ["completeWorkflowExecutionCommandAttributes"]);
  assert.equal(fake.historyRequests.length, 1);
  assert.equal(fake.historyRequests[0]?.execution?.runId, runId);
  assert.equal(fake.historyRequests[0]?.nextPageToken.length, 0, "fetched from the first event");
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_sticky_cache_miss{")));
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_workflow_task_replay_latency{")));
});

test("a task whose history has more pages reads them with the poll's page token", async (t) => {
  const fake = await startFakeWorkflowService(t);
  startWorkflowWorker(t, fake);
  const runId = newRunId();
  const b = timerFired(new HistoryBuilder("sleeper", runId).start());
  const events = [...b.events];
  const answer = await fake.answer(
    fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: events.slice(0, 2), pages: [events.slice(2, 5), events.slice(5)], previousStartedEventId: 3 }),
    t.signal,
  );
  assert.deepEqual(commandTypes(answer), ["completeWorkflowExecutionCommandAttributes"]);
  assert.deepEqual(
    fake.historyRequests.map((r) => new TextDecoder().decode(r.nextPageToken).replace(/^task-\d+/, "")),
    ["/page-1", "/page-2"],
  );
});

test("queries in a task and legacy query tasks are answered from the cached run, and from a rebuilt one when not cached", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const sticky = await stickyQueueOf(w);
  const runId = newRunId();
  const b = new HistoryBuilder("sleeper", runId).start();
  const first = await fake.answer(
    fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events], queries: { q1: query("state") } }),
    t.signal,
  );
  assert.deepEqual(commandTypes(first), ["startTimerCommandAttributes"]);
  const inTask = first.kind === "completed" ? first.request.queryResults.q1 : undefined;
  assert.equal(inTask?.resultType, QueryResultType.ANSWERED);
  assert.equal(decode(inTask?.answer?.payloads[0]), "sleeping");

  const legacy = await fake.answer(fake.push(sticky, { runId, workflowType: "sleeper", events: [], legacyQuery: query("state") }), t.signal);
  assert.equal(legacy.kind, "query");
  if (legacy.kind !== "query") return;
  assert.equal(legacy.request.completedType, QueryResultType.ANSWERED);
  assert.equal(decode(legacy.request.queryResult?.payloads[0]), "sleeping");
  assert.equal(fake.historyRequests.length, 0);

  // A run this worker never saw: rebuilt from the query task's history, answered, then dropped.
  const other = newRunId();
  const ob = timerFired(new HistoryBuilder("sleeper", other).start());
  const cachedBefore = w.worker.status().cachedRuns;
  const cold = await fake.answer(
    fake.push(TASK_QUEUE, { runId: other, workflowType: "sleeper", events: [...ob.events], previousStartedEventId: 3, legacyQuery: query("state") }),
    t.signal,
  );
  assert.equal(cold.kind, "query");
  assert.equal(cold.kind === "query" ? decode(cold.request.queryResult?.payloads[0]) : undefined, "woke");
  await eventually(() => w.evictions.some((e) => e.runId === other));
  assert.equal(w.worker.status().cachedRuns, cachedBefore);

  const unknown = await fake.answer(fake.push(sticky, { runId, workflowType: "sleeper", events: [], legacyQuery: query("nope") }), t.signal);
  assert.equal(unknown.kind === "query" ? unknown.request.completedType : undefined, QueryResultType.FAILED);
});

test("a failing task is reported with its cause on the first attempt only, and the run is evicted", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const runId = newRunId();
  const b = new HistoryBuilder("broken", runId).start();
  const answer = await fake.answer(fake.push(TASK_QUEUE, { runId, workflowType: "broken", events: [...b.events] }), t.signal);
  assert.equal(answer.kind, "failed");
  if (answer.kind !== "failed") return;
  assert.equal(answer.request.cause, WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE);
  assert.match(answer.request.failure?.message ?? "", /this workflow is broken/);
  assert.equal(answer.request.identity, "test-worker");
  await eventually(() => w.evictions.some((e) => e.runId === runId && e.reason === "LANG_FAIL"));
  assert.equal(w.worker.status().cachedRuns, 0);
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_workflow_task_execution_failed{") && m.includes("failure_reason=WorkflowError")));

  const finished = w.worker.status().tasksFinished;
  const retry = fake.push(TASK_QUEUE, { runId, workflowType: "broken", events: [...b.events], attempt: 2 });
  await eventually(() => w.worker.status().tasksFinished > finished);
  assert.equal(fake.answers.get(retry), undefined, "no answer on attempt 2: the server retries on its own");
});

test("a task that asks for a local activity runs it with the worker's activities and records its marker in the same answer", async (t) => {
  const fake = await startFakeWorkflowService(t);
  startWorkflowWorker(t, fake, { activities: { greet: async (name: never) => `Hello, ${name}!` } });
  const runId = newRunId();
  const b = new HistoryBuilder("localGreeter", runId).start();
  const answer = await fake.answer(fake.push(TASK_QUEUE, { runId, workflowType: "localGreeter", events: [...b.events] }), t.signal);
  assert.deepEqual(commandTypes(answer), ["recordMarkerCommandAttributes", "completeWorkflowExecutionCommandAttributes"]);
  const complete = answer.kind === "completed" ? answer.request.commands[1]?.attributes : undefined;
  const result = complete?.case === "completeWorkflowExecutionCommandAttributes" ? complete.value.result?.payloads[0] : undefined;
  assert.equal(result && defaultPayloadConverter.fromPayload(result), "Hello, local!");
});

test("NotFound on RespondWorkflowTaskCompleted evicts the run; its next task replays from the full history", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const sticky = await stickyQueueOf(w);
  const runId = newRunId();
  const b = new HistoryBuilder("sleeper", runId).start();
  fake.failCompletions(1, Code.NotFound);
  fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events] });
  await eventually(() => w.evictions.some((e) => e.runId === runId && e.reason === "TASK_NOT_FOUND"));
  assert.equal(w.worker.status().cachedRuns, 0);
  timerFired(b);
  fake.fullHistories.set(runId, [...b.events]);
  const answer = await fake.answer(fake.push(sticky, { runId, workflowType: "sleeper", events: b.events.slice(3), previousStartedEventId: 3 }), t.signal);
  assert.deepEqual(commandTypes(answer), ["completeWorkflowExecutionCommandAttributes"]);
});

test("the cache keeps maxCachedWorkflows runs and evicts the least recently used", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake, { maxCachedWorkflows: 2, maxConcurrentWorkflowTaskExecutions: 2 });
  const [a, b, c] = [newRunId(), newRunId(), newRunId()];
  await startSleeper(t, fake, a);
  await startSleeper(t, fake, b);
  assert.equal(w.worker.status().cachedRuns, 2);
  assert.equal(w.runtime.runCount, 2);
  await startSleeper(t, fake, c);
  assert.deepEqual(w.evictions, [{ runId: a, reason: "CACHE_FULL" }]);
  assert.equal(w.worker.status().cachedRuns, 2);
  assert.equal(w.runtime.runCount, 2);
  assert.ok(w.metrics.includes("temporal_sticky_cache_size{namespace=default,task_queue=wf-q} =2"));
});

test("with the cache off there is no sticky queue and every task replays the whole history", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake, { maxCachedWorkflows: 0 });
  assert.equal(w.worker.status().stickyQueue, undefined);
  const runId = newRunId();
  const b = new HistoryBuilder("sleeper", runId).start();
  const first = await fake.answer(fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events] }), t.signal);
  assert.equal(first.kind === "completed" ? first.request.stickyAttributes : "not completed", undefined);
  await eventually(() => w.runtime.runCount === 0);
  timerFired(b);
  const second = await fake.answer(fake.push(TASK_QUEUE, { runId, workflowType: "sleeper", events: [...b.events], previousStartedEventId: 3 }), t.signal);
  assert.deepEqual(commandTypes(second), ["completeWorkflowExecutionCommandAttributes"]);
  assert.ok(fake.polls.every((p) => p.taskQueue?.name === TASK_QUEUE));
});

test("shutdown stops polling, evicts every run, disposes the runtime and sends ShutdownWorker with the sticky queue", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  const sticky = await stickyQueueOf(w);
  const runId = newRunId();
  await startSleeper(t, fake, runId);
  w.worker.shutdown();
  await w.run;
  assert.equal(w.worker.state, "STOPPED");
  assert.deepEqual(w.evictions, [{ runId, reason: "LANG_REQUESTED" }]);
  assert.equal(fake.shutdownCalls.length, 1);
  assert.equal(fake.shutdownCalls[0]?.stickyTaskQueue, sticky);
  assert.equal(fake.shutdownCalls[0]?.taskQueue, TASK_QUEUE);
  assert.equal(fake.shutdownCalls[0]?.identity, "test-worker");
  assert.equal(w.worker.status().polls.normal.inFlight, 0);
  const after = await w.runtime.activate(create(WorkflowActivationSchema, { runId: "after-shutdown" }));
  assert.equal(after.status.case, "failed", "the runtime was disposed");
});

test("poll errors are retried with backoff and no poller is lost", async (t) => {
  const fake = await startFakeWorkflowService(t);
  // Fails the first polls of every poller, before the worker starts.
  fake.failPolls(12, Code.Unavailable);
  const w = startWorkflowWorker(t, fake);
  await eventually(() => w.worker.status().polls.normal.failed + (w.worker.status().polls.sticky?.failed ?? 0) >= 12);
  const status = w.worker.status();
  await eventually(() => w.worker.status().polls.normal.inFlight + (w.worker.status().polls.sticky?.inFlight ?? 0) === w.worker.options.nonStickyPolls + w.worker.options.stickyPolls);
  assert.equal(w.worker.state, "RUNNING");
  assert.ok(w.logs.some((l) => l.level === "WARN" && /poll failed; retrying in \d+ ms/.test(l.message)), "each failure is logged with its backoff");
  assert.ok(status.polls.normal.failed >= 1);
  await startSleeper(t, fake, newRunId());
});

test("records sdk-core's workflow worker metrics", async (t) => {
  const fake = await startFakeWorkflowService(t);
  const w = startWorkflowWorker(t, fake);
  await startSleeper(t, fake, newRunId());
  const names = new Set(w.metrics.map((m) => m.slice(0, m.indexOf("{"))));
  for (const name of [
    "temporal_worker_start",
    "temporal_num_pollers",
    "temporal_workflow_task_queue_poll_succeed",
    "temporal_workflow_task_schedule_to_start_latency",
    "temporal_workflow_task_execution_latency",
    "temporal_sticky_cache_size",
    "temporal_worker_task_slots_available",
  ]) {
    assert.ok(names.has(name), `${name} recorded`);
  }
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_worker_task_slots_available{") && m.includes("worker_type=WorkflowWorker")));
  assert.ok(w.metrics.some((m) => m.startsWith("temporal_workflow_task_execution_latency{") && m.includes("workflow_type=sleeper")));
});

test("invalid options are refused with the field named", (t) => {
  const evictions: never[] = [];
  const runtime = recordingRuntime(t, evictions);
  const base = { connection: { workflowService: {}, options: { namespace: "default" } } as never, runtime, platform };
  assert.throws(() => createWorkflowWorker({ ...base, taskQueue: "" }), /taskQueue: must not be empty/);
  assert.throws(() => createWorkflowWorker({ ...base, taskQueue: "q", maxCachedWorkflows: -1 }), /maxCachedWorkflows: must be 0 \(no cache\) or more/);
  assert.throws(() => createWorkflowWorker({ ...base, taskQueue: "q", nonStickyToStickyPollRatio: 2 }), /nonStickyToStickyPollRatio: must be a fraction/);
  assert.throws(() => createWorkflowWorker({ ...base, taskQueue: "q", maxConcurrentWorkflowTaskExecutions: 0 }), /maxConcurrentWorkflowTaskExecutions: must be at least 1/);
  assert.throws(() => createWorkflowWorker({ ...base, taskQueue: "q", runtime: {} as never }), /runtime: must be a WorkflowRuntime/);
});

// Benchmark (not a test): replay speed of one 10,000-event history with this
// project's replayer versus the official Worker.runReplayHistory, in one run
// on Node, printed as events per second and a ratio.
//
//   npx tsc -p tsconfig.json && node dist/bench/replay.js [--timers N] [--rounds R]
//
// The history is generated: a workflow doing N sequential timers (5 events
// each: WorkflowTaskCompleted, TimerStarted, TimerFired, WorkflowTaskScheduled,
// WorkflowTaskStarted), 2,000 timers by default, about 10,000 events.
import { create, toBinary, toJson } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import proto from "@temporalio/proto";
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from "@temporalio/worker";
import { EventType } from "../gen/temporal/api/enums/v1/event_type_pb.ts";
import { type HistoryEvent, HistoryEventSchema, HistorySchema } from "../gen/temporal/api/history/v1/message_pb.ts";
import { nodePlatform } from "../src/adapters/node/platform.ts";
import { historyFromJson, runReplayHistory } from "../src/replay/index.ts";
import * as workflows from "./replay-workflow.ts";

const { values } = parseArgs({ options: { timers: { type: "string", default: "2000" }, rounds: { type: "string", default: "3" } } });
const timers = Number(values.timers);
const rounds = Number(values.rounds);
const here = dirname(fileURLToPath(import.meta.url));

function generateHistory(count: number) {
  const events: HistoryEvent[] = [];
  let time = Date.UTC(2024, 0, 1);
  const add = (eventType: EventType, attributes: HistoryEvent["attributes"]) => {
    const eventId = BigInt(events.length + 1);
    time += 10;
    events.push(create(HistoryEventSchema, { eventId, eventType, eventTime: timestampFromMs(time), attributes }));
    return eventId;
  };
  const json = new TextEncoder().encode("json/plain");
  const runId = "4c3b9e1e-2d8f-4d0a-9a55-6f0f9e1b2c3d";
  add(EventType.WORKFLOW_EXECUTION_STARTED, {
    case: "workflowExecutionStartedEventAttributes",
    value: {
      workflowType: { name: "sequentialTimers" },
      taskQueue: { name: "bench" },
      input: { payloads: [{ metadata: { encoding: json }, data: new TextEncoder().encode(String(count)) }] },
      originalExecutionRunId: runId,
      firstExecutionRunId: runId,
      attempt: 1,
      workflowTaskTimeout: { seconds: 10n },
    } as never,
  });
  let scheduled = add(EventType.WORKFLOW_TASK_SCHEDULED, { case: "workflowTaskScheduledEventAttributes", value: {} as never });
  let started = add(EventType.WORKFLOW_TASK_STARTED, { case: "workflowTaskStartedEventAttributes", value: { scheduledEventId: scheduled } as never });
  const completed = (meta: object) =>
    add(EventType.WORKFLOW_TASK_COMPLETED, { case: "workflowTaskCompletedEventAttributes", value: { scheduledEventId: scheduled, startedEventId: started, sdkMetadata: meta } as never });
  for (let seq = 1; seq <= count; seq++) {
    completed(seq === 1 ? { coreUsedFlags: [1, 2, 3], langUsedFlags: [1, 2] } : {});
    const timer = add(EventType.TIMER_STARTED, { case: "timerStartedEventAttributes", value: { timerId: String(seq), startToFireTimeout: { seconds: 1n } } as never });
    add(EventType.TIMER_FIRED, { case: "timerFiredEventAttributes", value: { timerId: String(seq), startedEventId: timer } as never });
    scheduled = add(EventType.WORKFLOW_TASK_SCHEDULED, { case: "workflowTaskScheduledEventAttributes", value: {} as never });
    started = add(EventType.WORKFLOW_TASK_STARTED, { case: "workflowTaskStartedEventAttributes", value: { scheduledEventId: scheduled } as never });
  }
  completed({});
  add(EventType.WORKFLOW_EXECUTION_COMPLETED, {
    case: "workflowExecutionCompletedEventAttributes",
    value: { result: { payloads: [{ metadata: { encoding: json }, data: new TextEncoder().encode(String(count)) }] } } as never,
  });
  return create(HistorySchema, { events });
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

Runtime.install({ logger: new DefaultLogger("WARN") });
const history = generateHistory(timers);
const historyJson = toJson(HistorySchema, history);
const eventCount = history.events.length;
console.log(`history: ${eventCount} events (${timers} sequential timers)`);

// The official worker bundles the workflow code once per replay call; bundle it
// up front so the comparison is replay against replay.
const bundle = await bundleWorkflowCode({ workflowsPath: join(here, "replay-workflow-official.js"), logger: new DefaultLogger("WARN") });
// The official worker takes its own protobufjs History; both sides start from the same bytes.
const officialHistory = proto.temporal.api.history.v1.History.decode(toBinary(HistorySchema, history));
const official = () => Worker.runReplayHistory({ workflowBundle: bundle }, officialHistory);
const ours = () => runReplayHistory({ workflows, platform: nodePlatform }, historyFromJson(historyJson));

// One warm-up each (JIT, bundle loading, module caches), then the best of `rounds`.
await official();
await ours();
const best = async (fn: () => Promise<void>) => {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) min = Math.min(min, await time(fn));
  return min;
};
const officialMs = await best(official);
const oursMs = await best(ours);
const rate = (ms: number) => Math.round((eventCount / ms) * 1000).toLocaleString("en-US");
console.log(`official Worker.runReplayHistory: ${officialMs.toFixed(0)} ms (${rate(officialMs)} events/s)`);
console.log(`temporal-edge-worker runReplayHistory: ${oursMs.toFixed(0)} ms (${rate(oursMs)} events/s)`);
console.log(`ratio: ${(officialMs / oursMs).toFixed(2)}x faster (goal >= 3x)`);

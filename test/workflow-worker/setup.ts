// Starts a workflow worker of ours, with the threaded runtime over the
// fixture workflows, against the scripted service; stops it when the test ends.
import { create } from "@bufbuild/protobuf";
import { PayloadsSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type WorkflowQuery, WorkflowQuerySchema } from "../../gen/temporal/api/query/v1/message_pb.ts";
import { RemoveFromCache_EvictionReason } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { connect } from "../../src/connection/connection.ts";
import { defaultPayloadConverter } from "../../src/converter/index.ts";
import { fileURLToPath } from "node:url";
import { createThreadedWorkflowRuntime, type WorkflowRuntime } from "../../src/workflow/index.ts";
import type { WorkflowWorkerOptions } from "../../src/worker/workflow/options.ts";
import { createWorkflowWorker, type WorkflowWorker } from "../../src/worker/workflow/workflow-worker.ts";
import { collectingLogger, type LogLine, recordingMeter } from "../activity/worker-setup.ts";
import type { TestContext } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";
import type { FakeWorkflowService } from "./fake-workflow-service.ts";

const platform = await runtimePlatform();

export const TASK_QUEUE = "wf-q";

export interface Eviction {
  runId: string;
  reason: string;
}

/** The module the workflow threads import: the .js build on Node, the source on Bun and Deno. */
export const workflowsPath = fileURLToPath(new URL(import.meta.url.endsWith(".js") ? "./fixtures/workflows.js" : "./fixtures/workflows.ts", import.meta.url));

/** The threaded runtime, recording every removeFromCache it is sent. */
export function recordingRuntime(t: TestContext, evictions: Eviction[]): WorkflowRuntime {
  const inner = createThreadedWorkflowRuntime({
    spawnThread: () => platform.spawnWorkflowThread(),
    workflowsPath,
    namespace: "default",
    taskQueue: TASK_QUEUE,
  });
  t.defer(() => inner.dispose());
  return {
    activate(activation) {
      for (const job of activation.jobs) {
        if (job.variant.case === "removeFromCache") {
          evictions.push({ runId: activation.runId, reason: RemoveFromCache_EvictionReason[job.variant.value.reason] ?? "?" });
        }
      }
      return inner.activate(activation);
    },
    evict: (runId) => inner.evict(runId),
    get runCount() {
      return inner.runCount;
    },
    dispose: () => inner.dispose(),
  };
}

export interface RunningWorkflowWorker {
  worker: WorkflowWorker;
  runtime: WorkflowRuntime;
  evictions: Eviction[];
  logs: LogLine[];
  metrics: string[];
  run: Promise<void>;
}

export function startWorkflowWorker(
  t: TestContext,
  fake: FakeWorkflowService,
  options: Partial<Omit<WorkflowWorkerOptions, "runtime">> = {},
): RunningWorkflowWorker {
  const connection = connect({ address: fake.address, retry: { initialMs: 5, maxMs: 20 } }, platform);
  t.defer(() => connection.close());
  const logs: LogLine[] = [];
  const metrics: string[] = [];
  const evictions: Eviction[] = [];
  const runtime = recordingRuntime(t, evictions);
  const worker = createWorkflowWorker({
    connection,
    taskQueue: TASK_QUEUE,
    runtime,
    platform,
    identity: "test-worker",
    logger: collectingLogger(logs),
    metrics: recordingMeter(metrics),
    ...options,
  });
  const run = worker.run();
  // Keep a failing run from being reported as unhandled before the test looks at it.
  run.catch(() => {});
  t.defer(async () => {
    if (worker.state === "RUNNING") worker.shutdown();
    await run.catch(() => {});
  });
  return { worker, runtime, evictions, logs, metrics, run };
}

export function query(queryType: string, ...args: unknown[]): WorkflowQuery {
  return create(WorkflowQuerySchema, {
    queryType,
    queryArgs: create(PayloadsSchema, { payloads: args.map((a) => defaultPayloadConverter.toPayload(a)) }),
  });
}

export function decode(payload: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined): unknown {
  return payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload);
}

// A scripted WorkflowService over real gRPC for activity-worker tests: tasks
// are queued by the test, polls wait for them (or the caller's abort), and
// every heartbeat and report is recorded.
import { create } from "@bufbuild/protobuf";
import { durationFromMs, timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import {
  type PollActivityTaskQueueRequest,
  type PollActivityTaskQueueResponse,
  PollActivityTaskQueueResponseSchema,
  type RecordActivityTaskHeartbeatRequest,
  type RecordActivityTaskHeartbeatResponse,
  RecordActivityTaskHeartbeatResponseSchema,
  type ShutdownWorkerRequest,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { encodeToPayloads, defaultDataConverter } from "../../src/converter/index.ts";
import type { TestContext } from "../harness.ts";
import { startTestServer } from "../support/grpc-server.ts";

export type Outcome =
  | { kind: "completed"; result: Payload[] }
  | { kind: "failed"; failure: Failure }
  | { kind: "cancelled"; details: Payload[] };

export interface TaskSpec {
  type: string;
  args?: unknown[];
  rawInput?: Payload[];
  attempt?: number;
  heartbeatTimeoutMs?: number;
  startToCloseTimeoutMs?: number;
  heartbeatDetails?: unknown;
}

export interface FakeActivityService {
  address: string;
  polls: PollActivityTaskQueueRequest[];
  readonly pollsInFlight: number;
  readonly maxPollsInFlight: number;
  heartbeats: Array<{ token: string; details: Payload[]; at: number }>;
  outcomes: Map<string, Outcome & { at: number }>;
  shutdownCalls: ShutdownWorkerRequest[];
  /** Decides each heartbeat's answer; throw a ConnectError to fail it. */
  onHeartbeat: (req: RecordActivityTaskHeartbeatRequest) => RecordActivityTaskHeartbeatResponse;
  /** Fails the next `n` polls with `code`. */
  failPolls(n: number, code: Code): void;
  /** Queues a task; returns its token (as a string key). */
  push(spec: TaskSpec): Promise<string>;
}

export async function startFakeActivityService(t: TestContext): Promise<FakeActivityService> {
  const queue: PollActivityTaskQueueResponse[] = [];
  const waiting: Array<(task: PollActivityTaskQueueResponse) => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failures: { n: number; code: Code } = { n: 0, code: Code.Unavailable };
  let seq = 0;
  const fake: FakeActivityService = {
    address: "",
    polls: [],
    get pollsInFlight() {
      return inFlight;
    },
    get maxPollsInFlight() {
      return maxInFlight;
    },
    heartbeats: [],
    outcomes: new Map(),
    shutdownCalls: [],
    onHeartbeat: () => create(RecordActivityTaskHeartbeatResponseSchema, {}),
    failPolls(n, code) {
      failures = { n, code };
    },
    async push(spec) {
      const id = ++seq;
      const token = new TextEncoder().encode(`token-${id}`);
      const now = Date.now();
      const task = create(PollActivityTaskQueueResponseSchema, {
        taskToken: token,
        workflowNamespace: "default",
        workflowType: { name: "ParentWorkflow" },
        workflowExecution: { workflowId: `wf-${id}`, runId: `run-${id}` },
        activityType: { name: spec.type },
        activityId: `${id}`,
        input: { payloads: spec.rawInput ?? (await encodeToPayloads(defaultDataConverter, ...(spec.args ?? []))) },
        ...(spec.heartbeatDetails !== undefined
          ? { heartbeatDetails: { payloads: await encodeToPayloads(defaultDataConverter, spec.heartbeatDetails) } }
          : {}),
        scheduledTime: timestampFromMs(now - 50),
        currentAttemptScheduledTime: timestampFromMs(now - 10),
        startedTime: timestampFromMs(now),
        attempt: spec.attempt ?? 1,
        scheduleToCloseTimeout: durationFromMs(60_000),
        startToCloseTimeout: durationFromMs(spec.startToCloseTimeoutMs ?? 30_000),
        ...(spec.heartbeatTimeoutMs !== undefined ? { heartbeatTimeout: durationFromMs(spec.heartbeatTimeoutMs) } : {}),
        retryPolicy: { initialInterval: durationFromMs(1000), backoffCoefficient: 2, maximumAttempts: 5 },
      });
      const waiter = waiting.shift();
      if (waiter) waiter(task);
      else queue.push(task);
      return `token-${id}`;
    },
  };
  const key = (token: Uint8Array) => new TextDecoder().decode(token);
  const srv = await startTestServer({
    impl: {
      async pollActivityTaskQueue(req, ctx) {
        fake.polls.push(req);
        if (failures.n > 0) {
          failures.n--;
          throw new ConnectError("scripted poll failure", failures.code);
        }
        const ready = queue.shift();
        if (ready) return ready;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          return await new Promise<PollActivityTaskQueueResponse>((resolve) => {
            const give = (task: PollActivityTaskQueueResponse) => {
              clearTimeout(timer);
              resolve(task);
            };
            // Like a real server, answer empty after a while.
            const timer = setTimeout(() => {
              waiting.splice(waiting.indexOf(give), 1);
              resolve(create(PollActivityTaskQueueResponseSchema, {}));
            }, 2_000);
            waiting.push(give);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              const i = waiting.indexOf(give);
              if (i >= 0) waiting.splice(i, 1);
              resolve(create(PollActivityTaskQueueResponseSchema, {}));
            });
          });
        } finally {
          inFlight--;
        }
      },
      recordActivityTaskHeartbeat(req) {
        fake.heartbeats.push({ token: key(req.taskToken), details: req.details?.payloads ?? [], at: Date.now() });
        return fake.onHeartbeat(req);
      },
      respondActivityTaskCompleted(req) {
        fake.outcomes.set(key(req.taskToken), { kind: "completed", result: req.result?.payloads ?? [], at: Date.now() });
        return {};
      },
      respondActivityTaskFailed(req) {
        if (!req.failure) throw new ConnectError("failure missing", Code.InvalidArgument);
        fake.outcomes.set(key(req.taskToken), { kind: "failed", failure: req.failure, at: Date.now() });
        return {};
      },
      respondActivityTaskCanceled(req) {
        fake.outcomes.set(key(req.taskToken), { kind: "cancelled", details: req.details?.payloads ?? [], at: Date.now() });
        return {};
      },
      shutdownWorker(req) {
        fake.shutdownCalls.push(req);
        return {};
      },
    },
  });
  t.defer(() => srv.close());
  fake.address = srv.address;
  return fake;
}

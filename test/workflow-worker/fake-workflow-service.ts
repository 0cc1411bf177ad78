// A scripted WorkflowService over real gRPC for workflow-worker tests: the
// test queues workflow tasks on a queue name (normal or sticky), polls wait
// for them (or the caller's abort), and every answer is recorded.
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type { WorkflowQuery } from "../../gen/temporal/api/query/v1/message_pb.ts";
import {
  GetWorkflowExecutionHistoryResponseSchema,
  type GetWorkflowExecutionHistoryRequest,
  type PollWorkflowTaskQueueRequest,
  type PollWorkflowTaskQueueResponse,
  PollWorkflowTaskQueueResponseSchema,
  type RespondQueryTaskCompletedRequest,
  type RespondWorkflowTaskCompletedRequest,
  type RespondWorkflowTaskFailedRequest,
  type ShutdownWorkerRequest,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { TestContext } from "../harness.ts";
import { startTestServer } from "../support/grpc-server.ts";

export interface WorkflowTaskSpec {
  workflowId?: string;
  runId: string;
  workflowType: string;
  /** The events the task carries (its first page when `pages` is given). */
  events: HistoryEvent[];
  previousStartedEventId?: number;
  attempt?: number;
  /** Further pages, served by GetWorkflowExecutionHistory. */
  pages?: HistoryEvent[][];
  queries?: Record<string, WorkflowQuery>;
  /** Makes it a legacy query task. */
  legacyQuery?: WorkflowQuery;
}

export type Answer =
  | { kind: "completed"; request: RespondWorkflowTaskCompletedRequest }
  | { kind: "failed"; request: RespondWorkflowTaskFailedRequest }
  | { kind: "query"; request: RespondQueryTaskCompletedRequest };

export interface FakeWorkflowService {
  address: string;
  polls: PollWorkflowTaskQueueRequest[];
  /** Answers by task token (the string given back by `push`). */
  answers: Map<string, Answer>;
  historyRequests: GetWorkflowExecutionHistoryRequest[];
  shutdownCalls: ShutdownWorkerRequest[];
  /** Full histories served to GetWorkflowExecutionHistory without a page token, by run id. */
  fullHistories: Map<string, HistoryEvent[]>;
  /** Makes RespondWorkflowTaskCompleted fail with `code` for the next `n` calls. */
  failCompletions(n: number, code: Code): void;
  /** Makes the next `n` polls (any queue) fail with `code`. */
  failPolls(n: number, code: Code): void;
  /** Queues a task on `queue`; returns its token as a string. */
  push(queue: string, spec: WorkflowTaskSpec): string;
  /** Waits for the answer to the task `token`. */
  answer(token: string, signal: AbortSignal): Promise<Answer>;
}

export async function startFakeWorkflowService(t: TestContext): Promise<FakeWorkflowService> {
  const queues = new Map<string, PollWorkflowTaskQueueResponse[]>();
  const waiting = new Map<string, Array<(task: PollWorkflowTaskQueueResponse) => void>>();
  const pageStore = new Map<string, HistoryEvent[]>();
  const answerWaiters = new Map<string, (a: Answer) => void>();
  let completionFailures = { n: 0, code: Code.NotFound };
  let pollFailures = { n: 0, code: Code.Unavailable };
  let seq = 0;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

  const record = (token: Uint8Array, answer: Answer) => {
    const key = text(token);
    fake.answers.set(key, answer);
    answerWaiters.get(key)?.(answer);
  };

  const fake: FakeWorkflowService = {
    address: "",
    polls: [],
    answers: new Map(),
    historyRequests: [],
    shutdownCalls: [],
    fullHistories: new Map(),
    failCompletions(n, code) {
      completionFailures = { n, code };
    },
    failPolls(n, code) {
      pollFailures = { n, code };
    },
    push(queue, spec) {
      const token = `task-${++seq}`;
      const pages = spec.pages ?? [];
      pages.forEach((page, i) => pageStore.set(`${token}/page-${i + 1}`, page));
      const now = Date.now();
      const task = create(PollWorkflowTaskQueueResponseSchema, {
        taskToken: new TextEncoder().encode(token),
        workflowExecution: { workflowId: spec.workflowId ?? `wf-${spec.runId}`, runId: spec.runId },
        workflowType: { name: spec.workflowType },
        previousStartedEventId: BigInt(spec.previousStartedEventId ?? 0),
        startedEventId: spec.events.length > 0 ? spec.events[spec.events.length - 1]!.eventId : 0n,
        attempt: spec.attempt ?? 1,
        history: { events: spec.events },
        nextPageToken: pages.length > 0 ? new TextEncoder().encode(`${token}/page-1`) : new Uint8Array(0),
        scheduledTime: timestampFromMs(now - 5),
        startedTime: timestampFromMs(now),
        queries: spec.queries ?? {},
        ...(spec.legacyQuery ? { query: spec.legacyQuery } : {}),
      });
      const waiter = waiting.get(queue)?.shift();
      if (waiter) waiter(task);
      else {
        const q = queues.get(queue) ?? [];
        q.push(task);
        queues.set(queue, q);
      }
      return token;
    },
    answer(token, signal) {
      const known = fake.answers.get(token);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        answerWaiters.set(token, resolve);
        signal.addEventListener("abort", () => reject(new Error(`no answer to ${token}`)), { once: true });
      });
    },
  };

  const srv = await startTestServer({
    impl: {
      async pollWorkflowTaskQueue(req, ctx) {
        fake.polls.push(req);
        if (pollFailures.n > 0) {
          pollFailures.n--;
          throw new ConnectError("matching service unavailable", pollFailures.code);
        }
        const name = req.taskQueue?.name ?? "";
        const queued = queues.get(name)?.shift();
        if (queued) return queued;
        return await new Promise<PollWorkflowTaskQueueResponse>((resolve) => {
          const list = waiting.get(name) ?? [];
          const grant = (task: PollWorkflowTaskQueueResponse) => resolve(task);
          list.push(grant);
          waiting.set(name, list);
          ctx.signal.addEventListener("abort", () => {
            const i = list.indexOf(grant);
            if (i >= 0) list.splice(i, 1);
            resolve(create(PollWorkflowTaskQueueResponseSchema, {}));
          });
        });
      },
      respondWorkflowTaskCompleted(req) {
        if (completionFailures.n > 0) {
          completionFailures.n--;
          throw new ConnectError("workflow task not found", completionFailures.code);
        }
        record(req.taskToken, { kind: "completed", request: req });
        return {};
      },
      respondWorkflowTaskFailed(req) {
        record(req.taskToken, { kind: "failed", request: req });
        return {};
      },
      respondQueryTaskCompleted(req) {
        record(req.taskToken, { kind: "query", request: req });
        return {};
      },
      getWorkflowExecutionHistory(req) {
        fake.historyRequests.push(req);
        if (req.nextPageToken.length === 0) {
          const events = fake.fullHistories.get(req.execution?.runId ?? "");
          if (events === undefined) throw new ConnectError(`no history for run ${req.execution?.runId}`, Code.NotFound);
          return create(GetWorkflowExecutionHistoryResponseSchema, { history: { events } });
        }
        const key = text(req.nextPageToken);
        const events = pageStore.get(key);
        if (events === undefined) throw new ConnectError(`unknown page token ${key}`, Code.InvalidArgument);
        const [base, page] = key.split("/page-");
        const next = `${base}/page-${Number(page) + 1}`;
        return create(GetWorkflowExecutionHistoryResponseSchema, {
          history: { events },
          nextPageToken: pageStore.has(next) ? new TextEncoder().encode(next) : new Uint8Array(0),
        });
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

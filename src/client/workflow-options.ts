// Options of start / execute / signalWithStart, named as in @temporalio/client,
// and their translation into the fields Start and SignalWithStart share.
import type { MessageInitShape } from "@bufbuild/protobuf";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { StartWorkflowExecutionRequest, StartWorkflowExecutionRequestSchema } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type Duration, optionalDurationMessage } from "../common/duration.ts";
import {
  encodeWorkflowIdConflictPolicy,
  encodeWorkflowIdReusePolicy,
  type WorkflowIdConflictPolicy,
  type WorkflowIdReusePolicy,
} from "./enums.ts";
import type { ClientPayloads } from "./payloads.ts";
import { compileRetryPolicy, type RetryPolicy } from "./retry-policy.ts";
import {
  encodeSearchAttributes,
  type SearchAttributePair,
  type SearchAttributes,
  type TypedSearchAttributes,
} from "./search-attributes.ts";

// biome-ignore lint/suspicious/noExplicitAny: a workflow function takes and returns anything.
export type Workflow = (...args: any[]) => any;

/** What awaiting the workflow gives: the resolved value of its function's promise. */
export type WorkflowResultType<W extends Workflow> = ReturnType<W> extends Promise<infer R> ? R : Awaited<ReturnType<W>>;

/** `args` is required when the workflow function takes parameters, and typed after them. */
export type WithWorkflowArgs<W extends Workflow, T> = T &
  // biome-ignore lint/suspicious/noExplicitAny: matches any non-empty parameter list.
  (Parameters<W> extends [any, ...any[]]
    ? { args: Parameters<W> | Readonly<Parameters<W>> }
    : { args?: Parameters<W> | Readonly<Parameters<W>> });

export interface WorkflowOptions {
  /** A business id; unique among running workflows of the namespace. */
  workflowId: string;
  /** The task queue a worker hosting the workflow polls. */
  taskQueue: string;
  /** Non-indexed data shown with the execution (encoded by the data converter). */
  memo?: Record<string, unknown>;
  /** Indexed attributes, untyped form: each value an array. */
  searchAttributes?: SearchAttributes;
  /** Indexed attributes, typed form; wins over `searchAttributes` on the same key. */
  typedSearchAttributes?: TypedSearchAttributes | SearchAttributePair[];
  /** Retries of the whole workflow; none by default. */
  retry?: RetryPolicy;
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
  /** Bound on the whole chain of runs (retries and continue-as-new included). */
  workflowExecutionTimeout?: Duration;
  /** Bound on a single run. */
  workflowRunTimeout?: Duration;
  /** Bound on a single workflow task. Default 10 s on the server. */
  workflowTaskTimeout?: Duration;
  /** A cron expression: the workflow then runs on that schedule. */
  cronSchedule?: string;
  /** Wait this long before dispatching the first workflow task. */
  startDelay?: Duration;
  /** Whether `result()` follows continue-as-new, retries and cron runs. Default true. */
  followRuns?: boolean;
}

export type WorkflowStartOptions<W extends Workflow = Workflow> = WithWorkflowArgs<W, WorkflowOptions>;

/** The plain-object form of a start request, spreadable into a SignalWithStart request. */
type StartInit = Exclude<MessageInitShape<typeof StartWorkflowExecutionRequestSchema>, StartWorkflowExecutionRequest>;

/** The workflow type name: a string as is, a function by its `name`. */
export function workflowTypeName(workflowTypeOrFunc: string | Workflow): string {
  if (typeof workflowTypeOrFunc === "string") return workflowTypeOrFunc;
  if (typeof workflowTypeOrFunc === "function" && workflowTypeOrFunc.name) return workflowTypeOrFunc.name;
  throw new TypeError(
    "workflow type: pass the workflow's name or a named function (an anonymous function has no name to send); e.g. client.workflow.start(myWorkflow, ...) or start('myWorkflow', ...)",
  );
}

function assertRequired(options: WorkflowOptions): void {
  if (typeof options?.workflowId !== "string" || options.workflowId === "") {
    throw new TypeError("workflowId is required: pass a non-empty business id in the start options, e.g. { workflowId: 'order-1234' }");
  }
  if (typeof options.taskQueue !== "string" || options.taskQueue === "") {
    throw new TypeError("taskQueue is required: pass the task queue your worker polls, e.g. { taskQueue: 'orders' }");
  }
}

/**
 * The request fields Start and SignalWithStart have in common, validated
 * (durations, policies, retry) before anything goes on the wire.
 */
export async function startRequestFields(
  workflowType: string,
  options: WorkflowOptions & { args?: readonly unknown[] },
  context: { namespace: string; identity: string; payloads: ClientPayloads },
): Promise<StartInit> {
  assertRequired(options);
  const { payloads } = context;
  const fields: StartInit = {
    namespace: context.namespace,
    identity: context.identity,
    requestId: crypto.randomUUID(),
    workflowId: options.workflowId,
    workflowType: { name: workflowType },
    taskQueue: { name: options.taskQueue, kind: TaskQueueKind.NORMAL },
    input: { payloads: await payloads.toPayloads(options.args ?? []) },
    workflowIdReusePolicy: encodeWorkflowIdReusePolicy(options.workflowIdReusePolicy) ?? 0,
    workflowIdConflictPolicy: encodeWorkflowIdConflictPolicy(options.workflowIdConflictPolicy) ?? 0,
    workflowExecutionTimeout: optionalDurationMessage(options.workflowExecutionTimeout, "workflowExecutionTimeout"),
    workflowRunTimeout: optionalDurationMessage(options.workflowRunTimeout, "workflowRunTimeout"),
    workflowTaskTimeout: optionalDurationMessage(options.workflowTaskTimeout, "workflowTaskTimeout"),
    workflowStartDelay: optionalDurationMessage(options.startDelay, "startDelay"),
    retryPolicy: options.retry ? compileRetryPolicy(options.retry) : undefined,
    cronSchedule: options.cronSchedule ?? "",
    memo: options.memo ? { fields: await payloads.toPayloadMap(options.memo) } : undefined,
    searchAttributes:
      options.searchAttributes || options.typedSearchAttributes
        ? { indexedFields: encodeSearchAttributes(options.searchAttributes, options.typedSearchAttributes) }
        : undefined,
    header: { fields: {} },
  };
  return fields;
}

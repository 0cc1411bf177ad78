// Options of a child workflow, named as in @temporalio/workflow, and their
// translation into sdk-core's startChildWorkflowExecution command.
import type { MessageInitShape } from "@bufbuild/protobuf";
import {
  ChildWorkflowCancellationType as ProtoCancellationType,
  ParentClosePolicy as ProtoParentClosePolicy,
} from "../../gen/temporal/sdk/core/child_workflow/child_workflow_pb.ts";
import type { StartChildWorkflowExecutionSchema } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { encodeWorkflowIdReusePolicy, type WorkflowIdReusePolicy } from "../client/enums.ts";
import { compileRetryPolicy, type RetryPolicy } from "../client/retry-policy.ts";
import { encodeSearchAttributes, type SearchAttributePair, type SearchAttributes, type TypedSearchAttributes } from "../client/search-attributes.ts";
import { type Duration, optionalDurationMessage } from "../common/duration.ts";
import type { Activator } from "./activator.ts";
import { mapToPayloads } from "./continue-as-new.ts";
import type { Headers } from "./interceptors.ts";

/** What cancelling a child's scope does, and when the parent's wait for it ends. */
export const ChildWorkflowCancellationType = {
  /** Do not ask the server to cancel the child; the parent stops waiting at once. */
  ABANDON: "ABANDON",
  /** Ask for cancellation; the parent stops waiting at once. */
  TRY_CANCEL: "TRY_CANCEL",
  /** Ask for cancellation; the parent waits until the server has recorded the request. */
  WAIT_CANCELLATION_REQUESTED: "WAIT_CANCELLATION_REQUESTED",
  /** Ask for cancellation; the parent waits until the child ends (the default). */
  WAIT_CANCELLATION_COMPLETED: "WAIT_CANCELLATION_COMPLETED",
} as const;
export type ChildWorkflowCancellationType = (typeof ChildWorkflowCancellationType)[keyof typeof ChildWorkflowCancellationType];

/** What happens to the child when the parent closes first. */
export const ParentClosePolicy = {
  TERMINATE: "TERMINATE",
  ABANDON: "ABANDON",
  REQUEST_CANCEL: "REQUEST_CANCEL",
  /** The server's default (TERMINATE). */
  PARENT_CLOSE_POLICY_UNSPECIFIED: undefined,
  PARENT_CLOSE_POLICY_TERMINATE: "TERMINATE",
  PARENT_CLOSE_POLICY_ABANDON: "ABANDON",
  PARENT_CLOSE_POLICY_REQUEST_CANCEL: "REQUEST_CANCEL",
} as const;
export type ParentClosePolicy = (typeof ParentClosePolicy)[keyof typeof ParentClosePolicy];

export interface ChildWorkflowOptions {
  /** Default: a UUID from the workflow's seeded PRNG (the same on replay). */
  workflowId?: string;
  /** Default: the parent's task queue. */
  taskQueue?: string;
  args?: unknown[] | Readonly<unknown[]>;
  cancellationType?: ChildWorkflowCancellationType;
  parentClosePolicy?: ParentClosePolicy;
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  retry?: RetryPolicy;
  cronSchedule?: string;
  memo?: Record<string, unknown>;
  searchAttributes?: SearchAttributes;
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  /** A one-line summary of the child, shown in the UI. */
  staticSummary?: string;
  /** Longer details of the child, shown in the UI. */
  staticDetails?: string;
}

/** The options once defaults are applied: what outbound interceptors see. */
export type ChildWorkflowOptionsWithDefaults = ChildWorkflowOptions & {
  workflowId: string;
  cancellationType: ChildWorkflowCancellationType;
  args: unknown[];
};

const CANCELLATION_TYPES: Record<ChildWorkflowCancellationType, ProtoCancellationType> = {
  ABANDON: ProtoCancellationType.ABANDON,
  TRY_CANCEL: ProtoCancellationType.TRY_CANCEL,
  WAIT_CANCELLATION_REQUESTED: ProtoCancellationType.WAIT_CANCELLATION_REQUESTED,
  WAIT_CANCELLATION_COMPLETED: ProtoCancellationType.WAIT_CANCELLATION_COMPLETED,
};

const PARENT_CLOSE_POLICIES: Record<"TERMINATE" | "ABANDON" | "REQUEST_CANCEL", ProtoParentClosePolicy> = {
  TERMINATE: ProtoParentClosePolicy.TERMINATE,
  ABANDON: ProtoParentClosePolicy.ABANDON,
  REQUEST_CANCEL: ProtoParentClosePolicy.REQUEST_CANCEL,
};

function encodeCancellationType(value: ChildWorkflowCancellationType): ProtoCancellationType {
  const encoded = CANCELLATION_TYPES[value];
  if (encoded === undefined) {
    throw new TypeError(`cancellationType: unknown value ${JSON.stringify(value)}; use one of ${Object.keys(CANCELLATION_TYPES).join(", ")}`);
  }
  return encoded;
}

function encodeParentClosePolicy(value: ParentClosePolicy): ProtoParentClosePolicy {
  if (value === undefined) return ProtoParentClosePolicy.UNSPECIFIED;
  const encoded = PARENT_CLOSE_POLICIES[value];
  if (encoded === undefined) {
    throw new TypeError(`parentClosePolicy: unknown value ${JSON.stringify(value)}; use one of ${Object.keys(PARENT_CLOSE_POLICIES).join(", ")}`);
  }
  return encoded;
}

/** Fills in the workflow id (from the seeded PRNG, as the official SDK) and the cancellation type. */
export function withChildDefaults(options: ChildWorkflowOptions, uuid4: () => string): ChildWorkflowOptionsWithDefaults {
  const { args, workflowId, ...rest } = options;
  return {
    workflowId: workflowId ?? uuid4(),
    args: [...(args ?? [])],
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    ...rest,
  };
}

/** The startChildWorkflowExecution command for these options. */
export function startChildCommand(
  activator: Activator,
  seq: number,
  workflowType: string,
  options: ChildWorkflowOptionsWithDefaults,
  headers: Headers,
): MessageInitShape<typeof StartChildWorkflowExecutionSchema> {
  const hasSearchAttributes = options.searchAttributes !== undefined || options.typedSearchAttributes !== undefined;
  return {
    seq,
    namespace: activator.info.namespace,
    workflowId: options.workflowId,
    workflowType,
    taskQueue: options.taskQueue || activator.info.taskQueue,
    input: options.args.map((a) => activator.toPayload(a)),
    workflowExecutionTimeout: optionalDurationMessage(options.workflowExecutionTimeout, "workflowExecutionTimeout"),
    workflowRunTimeout: optionalDurationMessage(options.workflowRunTimeout, "workflowRunTimeout"),
    workflowTaskTimeout: optionalDurationMessage(options.workflowTaskTimeout, "workflowTaskTimeout"),
    parentClosePolicy: encodeParentClosePolicy(options.parentClosePolicy),
    workflowIdReusePolicy: encodeWorkflowIdReusePolicy(options.workflowIdReusePolicy) ?? 0,
    ...(options.retry ? { retryPolicy: compileRetryPolicy(options.retry) } : {}),
    cronSchedule: options.cronSchedule ?? "",
    headers,
    ...(options.memo ? { memo: mapToPayloads(options.memo, (v) => activator.toPayload(v)) } : {}),
    ...(hasSearchAttributes
      ? { searchAttributes: { indexedFields: encodeSearchAttributes(options.searchAttributes, options.typedSearchAttributes) } }
      : {}),
    cancellationType: encodeCancellationType(options.cancellationType),
  };
}

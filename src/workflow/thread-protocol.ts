// Messages between the main thread and a workflow thread. Activations and
// completions cross as structured clones of the protobuf-es objects: measured
// cheaper than protobuf binary on every runtime (Node's postMessage handles a
// Uint8Array slowly), and the objects need no decoding on either side.
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowActivationCompletion } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { type SearchAttributePair, TypedSearchAttributes } from "../client/search-attributes.ts";
import type { WorkflowInfo } from "./info.ts";
import type { WorkflowLogRecord } from "./log.ts";
import type { SinkCall } from "./sinks.ts";

export interface ThreadInit {
  kind: "init";
  /** Module exporting the workflow functions, imported inside the thread. */
  workflowsPath: string;
  /** Module exporting `payloadConverter` (the official `dataConverter.payloadConverterPath`). */
  payloadConverterPath: string | undefined;
  /** Module exporting `failureConverter` (the official `dataConverter.failureConverterPath`). */
  failureConverterPath: string | undefined;
  /** Modules exporting `interceptors` factories (the official `interceptors.workflowModules`). */
  interceptorModulePaths: string[];
  /** Activity types the worker runs, for the local activity check; absent: no check. */
  registeredActivityNames: string[] | undefined;
  namespace: string;
  taskQueue: string;
  deadlockTimeoutMs: number;
}

export interface ThreadActivate {
  kind: "activate";
  id: number;
  activation: WorkflowActivation;
}

export interface ThreadEvict {
  kind: "evict";
  id: number;
  runId: string;
}

export type ToThread = ThreadInit | ThreadActivate | ThreadEvict;

export type FromThread =
  | { kind: "ready" }
  | { kind: "init-failed"; message: string }
  | { kind: "completion"; id: number; completion: WorkflowActivationCompletion; logs: WorkflowLogRecord[]; sinkCalls: ThreadSinkCall[] }
  | { kind: "evicted"; id: number };

/** WorkflowInfo in a form structured clone carries (no functions, no class instances). */
type ClonedWorkflowInfo = Omit<WorkflowInfo, "unsafe" | "typedSearchAttributes"> & {
  unsafe: { isReplaying: boolean; isReplayingHistoryEvents: boolean };
  typedSearchAttributes: SearchAttributePair[];
};

/** A sink call as it crosses to the main thread (its arguments must be structured-cloneable). */
export type ThreadSinkCall = Omit<SinkCall, "workflowInfo"> & { workflowInfo: ClonedWorkflowInfo };

export function toThreadSinkCall(call: SinkCall): ThreadSinkCall {
  const { unsafe, typedSearchAttributes, ...rest } = call.workflowInfo;
  return {
    ...call,
    workflowInfo: {
      ...rest,
      unsafe: { isReplaying: unsafe.isReplaying, isReplayingHistoryEvents: unsafe.isReplayingHistoryEvents },
      typedSearchAttributes: typedSearchAttributes.getAll(),
    },
  };
}

export function fromThreadSinkCall(call: ThreadSinkCall, now: () => number): SinkCall {
  const { unsafe, typedSearchAttributes, ...rest } = call.workflowInfo;
  return { ...call, workflowInfo: { ...rest, unsafe: { ...unsafe, now }, typedSearchAttributes: new TypedSearchAttributes(typedSearchAttributes) } };
}

/** The thread's side of its message channel. */
export interface ThreadPort {
  postMessage(message: FromThread): void;
  onMessage(handler: (message: ToThread) => void): void;
}

// Messages between the main thread and a workflow thread. Activations and
// completions cross as protobuf binary: compact, and the same bytes sdk-core
// would exchange, whatever a runtime's structured clone does with messages.
import type { WorkflowLogRecord } from "./log.ts";

export interface ThreadInit {
  kind: "init";
  /** Module exporting the workflow functions, imported inside the thread. */
  workflowsPath: string;
  namespace: string;
  taskQueue: string;
  deadlockTimeoutMs: number;
}

export interface ThreadActivate {
  kind: "activate";
  id: number;
  activation: Uint8Array;
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
  | { kind: "completion"; id: number; completion: Uint8Array; logs: WorkflowLogRecord[] }
  | { kind: "evicted"; id: number };

/** The thread's side of its message channel. */
export interface ThreadPort {
  postMessage(message: FromThread): void;
  onMessage(handler: (message: ToThread) => void): void;
}

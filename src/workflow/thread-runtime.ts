// The threaded runtime: workflow code runs on workflow threads, so its
// deterministic globals never touch the main thread (activities, pollers,
// health), and a workflow that never yields is cut off with [TMPRL1101]
// while the process goes on. Each run stays on the thread that started it;
// a thread handles one activation at a time.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type WorkflowActivation,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { Logger } from "../logging/types.ts";
import type { WorkflowThreadHandle } from "../platform/platform.ts";
import { failedCompletion } from "./activate.ts";
import { DeadlockError } from "./deadlock.ts";
import { emitLogs, type WorkflowRuntime } from "./runtime.ts";
import type { FromThread, ToThread } from "./thread-protocol.ts";

export interface ThreadedRuntimeOptions {
  /** Platform.spawnWorkflowThread of the running adapter. */
  spawnThread: () => WorkflowThreadHandle;
  /** Path of the module exporting the workflow functions (imported in each thread). */
  workflowsPath: string;
  namespace: string;
  taskQueue: string;
  /** Workflow threads. Default 1. */
  threads?: number;
  /** How long an activation may run before [TMPRL1101]. Default 2000 ms. */
  deadlockTimeoutMs?: number;
  logger?: Logger;
}

/** Counters for health and metrics. */
export interface ThreadedRuntimeStats {
  /** Threads replaced after a deadlock. */
  threadsReplaced: number;
}

interface ThreadSlot {
  handle: WorkflowThreadHandle;
  ready: Promise<void>;
  runs: Set<string>;
  queue: Promise<unknown>;
  pending: Map<number, (message: FromThread) => void>;
  dead: boolean;
}

// The thread interrupts its own activation at the deadline on Deno; this
// margin lets that answer arrive before the main thread gives up on it.
const MAIN_DEADLINE_MARGIN_MS = 500;

export function createThreadedWorkflowRuntime(options: ThreadedRuntimeOptions): WorkflowRuntime & { readonly stats: ThreadedRuntimeStats } {
  const deadlockTimeoutMs = options.deadlockTimeoutMs ?? 2_000;
  const slots: ThreadSlot[] = [];
  const runThread = new Map<string, ThreadSlot>();
  const stats: ThreadedRuntimeStats = { threadsReplaced: 0 };
  let nextId = 1;
  let nextSlot = 0;
  let disposed = false;

  function spawn(): ThreadSlot {
    const handle = options.spawnThread();
    const pending = new Map<number, (message: FromThread) => void>();
    let signalReady!: () => void;
    let failReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      signalReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    const slot: ThreadSlot = { handle, ready, runs: new Set(), queue: Promise.resolve(), pending, dead: false };
    handle.onMessage((raw) => {
      const message = raw as FromThread;
      if (message.kind === "ready") signalReady();
      else if (message.kind === "init-failed") failReady(new Error(message.message));
      else pending.get(message.id)?.(message);
    });
    handle.onError((err) => {
      slot.dead = true;
      failReady(new Error(`workflow thread failed to start: ${String(err)}`));
    });
    const init: ToThread = {
      kind: "init",
      workflowsPath: options.workflowsPath,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      deadlockTimeoutMs,
    };
    handle.postMessage(init);
    return slot;
  }

  function slotFor(runId: string): ThreadSlot {
    const existing = runThread.get(runId);
    if (existing) return existing;
    const count = Math.max(1, options.threads ?? 1);
    const index = nextSlot++ % count;
    let slot = slots[index];
    if (slot === undefined || slot.dead) {
      slot = spawn();
      slots[index] = slot;
    }
    slot.runs.add(runId);
    runThread.set(runId, slot);
    return slot;
  }

  /** Gives up on a stuck thread: its runs are forgotten (the engine replays them) and a new thread takes its place. */
  function retire(slot: ThreadSlot): void {
    slot.dead = true;
    for (const runId of slot.runs) runThread.delete(runId);
    slot.runs.clear();
    stats.threadsReplaced++;
    void slot.handle.terminate();
  }

  function send(slot: ThreadSlot, message: ToThread & { id: number }, timeoutMs: number | undefined): Promise<FromThread> {
    return new Promise<FromThread>((resolve, reject) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
        slot.pending.delete(message.id);
        reject(new DeadlockError(deadlockTimeoutMs));
      }, timeoutMs);
      slot.pending.set(message.id, (reply) => {
        clearTimeout(timer);
        slot.pending.delete(message.id);
        resolve(reply);
      });
      slot.handle.postMessage(message);
    });
  }

  async function activateOn(slot: ThreadSlot, activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    const { runId } = activation;
    try {
      await slot.ready;
      if (slot.dead) throw new Error("the workflow thread of this run was replaced; the run must be replayed");
      const reply = await send(
        slot,
        { kind: "activate", id: nextId++, activation: toBinary(WorkflowActivationSchema, activation) },
        deadlockTimeoutMs + MAIN_DEADLINE_MARGIN_MS,
      );
      if (reply.kind !== "completion") throw new Error(`unexpected reply from workflow thread: ${reply.kind}`);
      emitLogs(options.logger, reply.logs);
      const completion = fromBinary(WorkflowActivationCompletionSchema, reply.completion);
      if (completion.status.case === "failed" && completion.status.value.failure?.message.startsWith("[TMPRL1101]")) {
        // The thread interrupted itself (Deno) and dropped the run; it is still usable for the others.
        slot.runs.delete(runId);
        runThread.delete(runId);
      }
      if (activation.jobs.some((j) => j.variant.case === "removeFromCache")) {
        slot.runs.delete(runId);
        runThread.delete(runId);
      }
      return completion;
    } catch (err) {
      if (err instanceof DeadlockError) retire(slot);
      const failure = err instanceof DeadlockError ? new DeadlockError(err.timeoutMs, { runId }) : err;
      return failedCompletion(runId, undefined, failure);
    }
  }

  return {
    stats,
    activate(activation) {
      if (disposed) return Promise.resolve(failedCompletion(activation.runId, undefined, new Error("the workflow runtime was disposed")));
      const slot = slotFor(activation.runId);
      const result = slot.queue.then(() => activateOn(slot, activation));
      slot.queue = result;
      return result;
    },
    async evict(runId) {
      const slot = runThread.get(runId);
      if (slot === undefined) return;
      runThread.delete(runId);
      slot.runs.delete(runId);
      const done = slot.queue.then(() => (slot.dead ? undefined : send(slot, { kind: "evict", id: nextId++, runId }, undefined)));
      slot.queue = done;
      await done;
    },
    get runCount() {
      return runThread.size;
    },
    async dispose() {
      disposed = true;
      await Promise.all(slots.map((s) => s.handle.terminate()));
      slots.length = 0;
      runThread.clear();
    },
  };
}

// The threaded runtime: workflow code runs on workflow threads, so its
// deterministic globals never touch the main thread (activities, pollers,
// health), and a workflow that never yields is cut off with [TMPRL1101]
// while the process goes on. Each run stays on the thread that started it.
//
// Activations are posted as soon as they come (a thread works through its
// queue in order), so a busy thread never waits for a round trip between two
// activations. A per-thread watchdog measures progress: it runs while
// activations are outstanding and restarts at each reply, so it times the
// activation the thread is working on, not the queue.
import { create } from "@bufbuild/protobuf";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import type { Logger } from "../logging/types.ts";
import type { WorkflowThreadHandle } from "../platform/platform.ts";
import { failedCompletion } from "./activate.ts";
import { DeadlockError, WorkflowThreadLostError } from "./deadlock.ts";
import { emitLogs, type WorkflowRuntime } from "./runtime.ts";
import { callSinks, type InjectedSinks, type Sinks } from "./sinks.ts";
import { type FromThread, fromThreadSinkCall, type ToThread } from "./thread-protocol.ts";

export interface ThreadedRuntimeOptions {
  /** Platform.spawnWorkflowThread of the running adapter. */
  spawnThread: () => WorkflowThreadHandle;
  /** Path of the module exporting the workflow functions (imported in each thread). */
  workflowsPath: string;
  /**
   * Path of a module exporting `payloadConverter` (a PayloadConverter), loaded
   * in each thread: the official SDK's `dataConverter.payloadConverterPath`.
   */
  payloadConverterPath?: string;
  /** Path of a module exporting `failureConverter` (a FailureConverter), loaded in each thread. */
  failureConverterPath?: string;
  /** Paths of modules exporting `interceptors` (a WorkflowInterceptorsFactory), loaded in each thread. */
  interceptorModulePaths?: string[];
  /** Activity types the worker runs: local activities of other types fail at once (not when replaying). */
  registeredActivityNames?: ReadonlySet<string>;
  namespace: string;
  taskQueue: string;
  /** Workflow threads. Default 1. */
  threads?: number;
  /** How long an activation may run before [TMPRL1101]. Default 2000 ms. */
  deadlockTimeoutMs?: number;
  logger?: Logger;
  /**
   * The implementations of the sinks workflow code calls (proxySinks), run on
   * the main thread after each activation; call arguments cross the thread
   * boundary as structured clones.
   */
  sinks?: InjectedSinks<Sinks>;
  /**
   * Called when runs are lost with their thread: on Node and Bun a thread
   * stuck in a deadlock is replaced, and every other run it held goes with it.
   * The worker should evict them from its cache (without failing a task), so
   * that their next task replays them from history. Until evicted, an
   * activation for a lost run fails with a WorkflowThreadLostError.
   */
  onRunsLost?: (runIds: string[], reason: string) => void;
}

/** Counters for health and metrics. */
export interface ThreadedRuntimeStats {
  /** Threads replaced after a deadlock. */
  threadsReplaced: number;
  /** Runs dropped because their thread was replaced (the deadlocked ones included). */
  runsLost: number;
}

/**
 * What an outstanding message gets: the thread's reply, or the news that the
 * thread was given up — the run deadlocked, was lost with it, or (a run
 * starting from scratch, with nothing on the thread yet) can go to another.
 */
type Reply = FromThread | { kind: "deadlocked" } | { kind: "lost"; reason: string } | { kind: "redispatch" };

interface Outstanding {
  runId: string;
  /** The message starts the run from scratch (initializeWorkflow): its run has no state on the thread yet. */
  startsRun: boolean;
  resolve(reply: Reply): void;
}

interface ThreadSlot {
  handle: WorkflowThreadHandle;
  ready: Promise<void>;
  runs: Set<string>;
  /** Messages posted and not answered yet, oldest first: the first is the one the thread works on. */
  outstanding: Map<number, Outstanding>;
  watchdog: ReturnType<typeof setTimeout> | undefined;
  dead: boolean;
}

// The thread interrupts its own activation at the deadline on Deno; this
// margin lets that answer arrive before the main thread gives up on it.
const MAIN_DEADLINE_MARGIN_MS = 500;

function emptySuccess(runId: string): WorkflowActivationCompletion {
  return create(WorkflowActivationCompletionSchema, { runId, status: { case: "successful", value: {} } });
}

/** The threaded runtime's extras beyond WorkflowRuntime. */
export interface ThreadedRuntimeExtras {
  readonly stats: ThreadedRuntimeStats;
  /**
   * Starts the first workflow thread now instead of at the first activation.
   * A thread takes a few hundred milliseconds to load the workflow code; a
   * worker calls this once its first polls are sent, so that the load runs
   * while the polls wait instead of delaying the first task. Does nothing
   * once a thread exists or after dispose().
   */
  prewarm(): void;
}

export function createThreadedWorkflowRuntime(options: ThreadedRuntimeOptions): WorkflowRuntime & ThreadedRuntimeExtras {
  const deadlockTimeoutMs = options.deadlockTimeoutMs ?? 2_000;
  const slots: ThreadSlot[] = [];
  const runThread = new Map<string, ThreadSlot>();
  /** Runs lost with a replaced thread, with the reason, until the engine evicts or restarts them. */
  const lostRuns = new Map<string, string>();
  const stats: ThreadedRuntimeStats = { threadsReplaced: 0, runsLost: 0 };
  let nextId = 1;
  let nextSlot = 0;
  let disposed = false;

  function spawn(): ThreadSlot {
    const handle = options.spawnThread();
    let signalReady!: () => void;
    let failReady!: (err: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      signalReady = resolve;
      failReady = reject;
    });
    ready.catch(() => undefined);
    const slot: ThreadSlot = { handle, ready, runs: new Set(), outstanding: new Map(), watchdog: undefined, dead: false };
    handle.onMessage((raw) => {
      const message = raw as FromThread;
      if (message.kind === "ready") signalReady();
      else if (message.kind === "init-failed") failReady(new Error(message.message));
      else answered(slot, message);
    });
    handle.onError((err) => {
      slot.dead = true;
      failReady(new Error(`workflow thread failed to start: ${String(err)}`));
    });
    const init: ToThread = {
      kind: "init",
      workflowsPath: options.workflowsPath,
      payloadConverterPath: options.payloadConverterPath,
      failureConverterPath: options.failureConverterPath,
      interceptorModulePaths: options.interceptorModulePaths ?? [],
      registeredActivityNames: options.registeredActivityNames ? [...options.registeredActivityNames] : undefined,
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

  function armWatchdog(slot: ThreadSlot): void {
    clearTimeout(slot.watchdog);
    slot.watchdog = slot.outstanding.size === 0 ? undefined : setTimeout(() => retire(slot), deadlockTimeoutMs + MAIN_DEADLINE_MARGIN_MS);
  }

  function answered(slot: ThreadSlot, reply: FromThread & { id: number }): void {
    const waiter = slot.outstanding.get(reply.id);
    if (waiter === undefined) return;
    slot.outstanding.delete(reply.id);
    armWatchdog(slot);
    waiter.resolve(reply);
  }

  function post(slot: ThreadSlot, message: ToThread & { id: number }, runId: string): Promise<Reply> {
    const startsRun = message.kind === "activate" && message.activation.jobs.some((j) => j.variant.case === "initializeWorkflow");
    return new Promise<Reply>((resolve) => {
      slot.outstanding.set(message.id, { runId, startsRun, resolve });
      if (slot.outstanding.size === 1) armWatchdog(slot);
      slot.handle.postMessage(message);
    });
  }

  /**
   * Gives up on a stuck thread (Node, Bun): the run it works on fails with
   * [TMPRL1101]; every other run it held is lost (reported through
   * onRunsLost, and their outstanding activations fail with
   * WorkflowThreadLostError), except runs whose waiting activation starts
   * them from scratch: those go to a new thread. A new thread takes the
   * slot's place for the next runs.
   */
  function retire(slot: ThreadSlot): void {
    if (slot.dead) return;
    slot.dead = true;
    clearTimeout(slot.watchdog);
    stats.threadsReplaced++;
    const [stuck] = slot.outstanding.values();
    const stuckRunId = stuck?.runId ?? "(unknown)";
    const reason = `its workflow thread was replaced after run ${stuckRunId} deadlocked ([TMPRL1101], no yield within ${deadlockTimeoutMs} ms)`;
    const waiting = [...slot.outstanding.values()];
    slot.outstanding.clear();
    const restartable = new Set(waiting.filter((w) => w !== stuck && w.startsRun).map((w) => w.runId));
    const held = [...slot.runs].filter((runId) => !restartable.has(runId));
    for (const runId of slot.runs) runThread.delete(runId);
    for (const runId of held) {
      lostRuns.set(runId, reason);
    }
    slot.runs.clear();
    stats.runsLost += held.length;
    for (const waiter of waiting) {
      if (waiter === stuck) waiter.resolve({ kind: "deadlocked" });
      else if (restartable.has(waiter.runId)) waiter.resolve({ kind: "redispatch" });
      else waiter.resolve({ kind: "lost", reason });
    }
    void slot.handle.terminate();
    const others = held.filter((runId) => runId !== stuckRunId);
    if (others.length > 0) options.onRunsLost?.(others, reason);
  }

  function forget(slot: ThreadSlot, runId: string): void {
    slot.runs.delete(runId);
    runThread.delete(runId);
  }

  async function activateOn(slot: ThreadSlot, activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    const { runId } = activation;
    try {
      await slot.ready;
      if (slot.dead) throw new WorkflowThreadLostError(runId, lostRuns.get(runId) ?? "its workflow thread was replaced");
      const reply = await post(slot, { kind: "activate", id: nextId++, activation }, runId);
      if (reply.kind === "deadlocked") throw new DeadlockError(deadlockTimeoutMs, { runId });
      if (reply.kind === "lost") throw new WorkflowThreadLostError(runId, reply.reason);
      if (reply.kind === "redispatch") return await activateOn(slotFor(runId), activation);
      if (reply.kind !== "completion") throw new Error(`unexpected reply from workflow thread: ${reply.kind}`);
      emitLogs(options.logger, reply.logs);
      await callSinks(
        options.sinks,
        reply.sinkCalls.map((call) => fromThreadSinkCall(call, () => Date.now())),
        options.logger,
      );
      const { completion } = reply;
      // On Deno the thread interrupted itself and dropped just that run; it goes on serving the others.
      if (completion.status.case === "failed" && completion.status.value.failure?.message.startsWith("[TMPRL1101]")) forget(slot, runId);
      if (activation.jobs.some((j) => j.variant.case === "removeFromCache")) forget(slot, runId);
      return completion;
    } catch (err) {
      return failedCompletion(runId, undefined, err);
    }
  }

  return {
    stats,
    prewarm() {
      if (!disposed && slots[0] === undefined) slots[0] = spawn();
    },
    activate(activation) {
      const { runId } = activation;
      if (disposed) return Promise.resolve(failedCompletion(runId, undefined, new Error("the workflow runtime was disposed")));
      const lostReason = lostRuns.get(runId);
      if (lostReason !== undefined) {
        const jobs = activation.jobs.map((j) => j.variant.case);
        if (jobs.includes("removeFromCache")) {
          lostRuns.delete(runId);
          return Promise.resolve(emptySuccess(runId));
        }
        // A replay from the start rebuilds the run on a live thread; anything else needs one.
        if (!jobs.includes("initializeWorkflow")) return Promise.resolve(failedCompletion(runId, undefined, new WorkflowThreadLostError(runId, lostReason)));
        lostRuns.delete(runId);
      }
      return activateOn(slotFor(runId), activation);
    },
    async evict(runId) {
      lostRuns.delete(runId);
      const slot = runThread.get(runId);
      if (slot === undefined) return;
      forget(slot, runId);
      await slot.ready.catch(() => undefined);
      if (!slot.dead) await post(slot, { kind: "evict", id: nextId++, runId }, runId);
    },
    get runCount() {
      return runThread.size;
    },
    async dispose() {
      disposed = true;
      for (const slot of slots) clearTimeout(slot.watchdog);
      await Promise.all(slots.map((s) => s.handle.terminate()));
      slots.length = 0;
      runThread.clear();
      lostRuns.clear();
    },
  };
}

// The workflow runtime: takes sdk-core-shaped activations, runs them on user
// workflow code and returns completions. This is the in-process form (one
// thread: replay, tests, and the inside of each workflow thread); the
// threaded form in thread-runtime.ts has the same interface.
import { create } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { defaultFailureConverter } from "../converter/failure-converter.ts";
import { defaultPayloadConverter } from "../converter/payload-converters.ts";
import type { FailureConverter, PayloadConverter } from "../converter/types.ts";
import type { Logger } from "../logging/types.ts";
import type { AsyncLocalStore } from "../platform/platform.ts";
import { type ActivationResult, failedCompletion, runActivation, runActivationSync } from "./activate.ts";
import { Activator } from "./activator.ts";
import { DeadlockError } from "./deadlock.ts";
import { UnhandledRejectionError } from "./errors.ts";
import { installWorkflowGlobals, originalGlobals } from "./global-overrides.ts";
import { leaveWorkflowContext, runInWorkflowContext, useActivatorStore } from "./context.ts";
import { infoFromInitJob } from "./info-from-activation.ts";
import { composeInterceptors, type WorkflowInterceptorsFactory } from "./interceptors.ts";
import type { WorkflowLogRecord } from "./log.ts";
import { callSinks, type InjectedSinks, type SinkCall, type Sinks } from "./sinks.ts";

/** A module's exports: workflow functions by name (a `default` export catches every other type). */
export type WorkflowModule = Record<string, unknown>;

/** What every form of the runtime offers the engine. */
export interface WorkflowRuntime {
  /**
   * Runs one activation. An activation with initializeWorkflow creates the
   * run; one with removeFromCache disposes it (and answers an empty success,
   * as the official worker does). Never rejects: problems come back as a
   * failed completion.
   */
  activate(activation: WorkflowActivation): Promise<WorkflowActivationCompletion>;
  /** Forgets a run (as a removeFromCache job does). */
  evict(runId: string): Promise<void>;
  /** Number of runs held. */
  readonly runCount: number;
  /** Frees the runtime (and its threads); later activations fail. */
  dispose(): Promise<void>;
}

export interface InProcessRuntimeOptions {
  /** The workflow functions, or a loader for them. */
  workflows: WorkflowModule | (() => Promise<WorkflowModule>);
  namespace: string;
  taskQueue: string;
  payloadConverter?: PayloadConverter;
  failureConverter?: FailureConverter;
  /** Async-context stores for cancellation scopes: Platform.createAsyncLocalStorage. */
  createAsyncLocalStorage: <T>() => AsyncLocalStore<T>;
  /** Where workflow `log` lines go (lines logged while replaying are dropped). */
  logger?: Logger | undefined;
  /** Receives each activation's log records and sink calls as they are (for a thread to send them on). */
  onOutput?: (output: { logs: WorkflowLogRecord[]; sinkCalls: SinkCall[] }, runId: string) => void;
  /** The implementations of the sinks workflow code calls (proxySinks), run after each activation. */
  sinks?: InjectedSinks<Sinks>;
  /**
   * Runs microtasks now (Deno). With `runWithTimeout`, an activation then
   * runs synchronously under a deadline, so an infinite loop anywhere in
   * workflow code is interrupted with [TMPRL1101].
   */
  flushMicrotasks?: () => void;
  /** Runs `fn`, interrupting it after `timeoutMs` (node:vm's timeout); throws when interrupted. */
  runWithTimeout?: (fn: () => void, timeoutMs: number) => void;
  /** How long an activation may run before [TMPRL1101]. Default 2000 ms. */
  deadlockTimeoutMs?: number;
  /**
   * Modules exporting `interceptors: WorkflowInterceptorsFactory` (as the
   * official worker's `interceptors.workflowModules`); the workflows module's
   * own `interceptors` export, if any, comes after them.
   */
  interceptorModules?: WorkflowModule[];
  /** Activity types the worker runs: local activities of other types fail at once (not when replaying). */
  registeredActivityNames?: ReadonlySet<string>;
  /**
   * The host's hook for unhandled promise rejections on this thread (Node's
   * and Bun's `process.on("unhandledRejection")`); returns a function that
   * removes the handler. Without it, the Web `unhandledrejection` event is
   * used where the runtime dispatches it (Deno).
   */
  onUnhandledRejection?: (handler: (reason: unknown) => void) => () => void;
}

/** Calls each module's `interceptors` factory inside the run (factories may use the workflow API). */
function installInterceptors(activator: Activator, modules: readonly WorkflowModule[]): void {
  runInWorkflowContext(activator, () => {
    for (const mod of modules) {
      const factory = mod.interceptors;
      if (factory === undefined) continue;
      if (typeof factory !== "function") {
        throw new TypeError(`a workflow interceptor module exports \`interceptors\` as ${typeof factory}: export a function returning { inbound, outbound, internals }`);
      }
      const { inbound = [], outbound = [], internals = [] } = (factory as WorkflowInterceptorsFactory)();
      activator.interceptors.inbound.push(...inbound);
      activator.interceptors.outbound.push(...outbound);
      activator.interceptors.internals.push(...internals);
    }
  });
}

/** Lets the run's internals interceptors know it is being dropped. */
function disposeRun(activator: Activator | undefined): void {
  if (activator === undefined || activator.interceptors.internals.length === 0) return;
  runInWorkflowContext(activator, () => composeInterceptors(activator.interceptors.internals, "dispose", () => undefined)({}));
}

interface RejectionEvent {
  reason: unknown;
  preventDefault(): void;
}

/**
 * Listens for unhandled rejections through the host's hook, or the Web event;
 * returns the remover. `claim` says whether a rejection was a run's: the Web
 * event's default (ending the thread or process) is prevented only for those.
 */
function listenForUnhandledRejections(
  hook: InProcessRuntimeOptions["onUnhandledRejection"],
  claim: (reason: unknown) => boolean,
): () => void {
  if (hook) return hook((reason) => void claim(reason));
  const target = globalThis as unknown as {
    addEventListener?: (type: string, listener: (event: RejectionEvent) => void) => void;
    removeEventListener?: (type: string, listener: (event: RejectionEvent) => void) => void;
  };
  if (typeof target.addEventListener !== "function") return () => undefined;
  const listener = (event: RejectionEvent) => {
    if (claim(event.reason)) event.preventDefault();
  };
  target.addEventListener("unhandledrejection", listener);
  return () => target.removeEventListener?.("unhandledrejection", listener);
}

function emptySuccess(runId: string): WorkflowActivationCompletion {
  return create(WorkflowActivationCompletionSchema, { runId, status: { case: "successful", value: {} } });
}

export function emitLogs(logger: Logger | undefined, logs: readonly WorkflowLogRecord[]): void {
  if (logger === undefined) return;
  for (const record of logs) {
    if (!record.replaying) logger.log(record.level.toUpperCase() as Parameters<Logger["log"]>[0], record.message, record.attributes);
  }
}

/** Runs `fn` in a macrotask of its own: after every microtask queued so far, and outside any microtask. */
function inMacrotask<T>(fn: () => T): Promise<T> {
  const { setImmediate, setTimeout } = originalGlobals;
  return new Promise<T>((resolve, reject) => {
    const task = () => {
      try {
        resolve(fn());
      } catch (err) {
        reject(err);
      }
    };
    if (setImmediate) setImmediate(task);
    else setTimeout(task, 0);
  });
}

const macrotask = () => inMacrotask(() => undefined);

/**
 * Creates a runtime that runs workflow code on the calling thread. It installs
 * the deterministic globals on this thread (they behave normally outside
 * workflow activations). Activations run one at a time.
 */
export function createInProcessWorkflowRuntime(options: InProcessRuntimeOptions): WorkflowRuntime {
  installWorkflowGlobals();
  useActivatorStore(options.createAsyncLocalStorage);
  const payloadConverter = options.payloadConverter ?? defaultPayloadConverter;
  const failureConverter = options.failureConverter ?? defaultFailureConverter;
  const deadlockTimeoutMs = options.deadlockTimeoutMs ?? 2_000;
  const runs = new Map<string, Activator>();
  let workflowsPromise: Promise<WorkflowModule> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  /** The run whose activation is in progress: rejections reported meanwhile are its. */
  let active: Activator | undefined;
  const stopListening = listenForUnhandledRejections(options.onUnhandledRejection, (reason) => {
    if (active === undefined) return false;
    active.unhandledRejection ??= new UnhandledRejectionError(`Unhandled Promise rejection: ${String(reason)}`, reason);
    return true;
  });

  const loadWorkflows = () => {
    const { workflows } = options;
    workflowsPromise ??= typeof workflows === "function" ? workflows() : Promise.resolve(workflows);
    return workflowsPromise;
  };

  async function createRun(activation: WorkflowActivation): Promise<Activator> {
    const init = activation.jobs.find((j) => j.variant.case === "initializeWorkflow")?.variant;
    if (init?.case !== "initializeWorkflow") {
      throw new Error(
        `activation for run ${activation.runId} has no initializeWorkflow job and the run is not cached: the engine must replay it from the start (evict and fetch full history)`,
      );
    }
    const job = init.value;
    const mod = await loadWorkflows();
    const fn = mod[job.workflowType] ?? mod.default;
    if (typeof fn !== "function") {
      const known = Object.keys(mod).filter((k) => typeof mod[k] === "function");
      throw new TypeError(
        `Failed to initialize workflow of type '${job.workflowType}': no such function is exported by the workflows module (it exports: ${known.join(", ") || "no functions"})`,
      );
    }
    const activator = new Activator({
      info: infoFromInitJob(activation, job, options),
      now: activation.timestamp ? timestampMs(activation.timestamp) : 0,
      randomnessSeed: job.randomnessSeed,
      workflow: fn as (...args: unknown[]) => unknown,
      payloadConverter,
      failureConverter,
      createAsyncLocalStorage: options.createAsyncLocalStorage,
      registeredActivityNames: options.registeredActivityNames,
    });
    installInterceptors(activator, [...(options.interceptorModules ?? []), mod]);
    return activator;
  }

  function runGuarded(activator: Activator, activation: WorkflowActivation): ActivationResult {
    const { flushMicrotasks, runWithTimeout } = options;
    if (!flushMicrotasks || !runWithTimeout) throw new Error("runGuarded needs flushMicrotasks and runWithTimeout");
    let result: ActivationResult | undefined;
    try {
      runWithTimeout(() => {
        result = runActivationSync(activator, activation, flushMicrotasks);
      }, deadlockTimeoutMs);
    } catch (err) {
      leaveWorkflowContext();
      if (result === undefined) throw new DeadlockError(deadlockTimeoutMs, { cause: err });
      throw err;
    }
    return result as ActivationResult;
  }

  async function activateNow(activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    const { runId } = activation;
    if (disposed) return failedCompletion(runId, undefined, new Error("the workflow runtime was disposed"));
    if (activation.jobs.some((j) => j.variant.case === "removeFromCache")) {
      disposeRun(runs.get(runId));
      runs.delete(runId);
      return emptySuccess(runId);
    }
    let activator = runs.get(runId);
    try {
      if (activator === undefined) {
        activator = await createRun(activation);
        runs.set(runId, activator);
      }
      active = activator;
      let result: ActivationResult;
      try {
        if (options.flushMicrotasks && options.runWithTimeout) {
          // A microtask flush does nothing from inside a microtask, so the guarded run starts from a macrotask;
          // the runtime reports rejections left unhandled in the next turn of its event loop, hence the one after.
          result = await inMacrotask(() => runGuarded(activator as Activator, activation));
          await macrotask();
        } else {
          result = await runActivation(activator, activation, macrotask);
        }
      } finally {
        active = undefined;
      }
      emitLogs(options.logger, result.logs);
      options.onOutput?.({ logs: result.logs, sinkCalls: result.sinkCalls }, runId);
      await callSinks(options.sinks, result.sinkCalls, options.logger);
      if (activator.unhandledRejection !== undefined) return failedCompletion(runId, activator, activator.unhandledRejection);
      return result.completion;
    } catch (err) {
      if (err instanceof DeadlockError) runs.delete(runId);
      return failedCompletion(runId, activator, err);
    }
  }

  return {
    activate(activation) {
      const result = queue.then(() => activateNow(activation));
      queue = result;
      return result;
    },
    async evict(runId) {
      await queue;
      disposeRun(runs.get(runId));
      runs.delete(runId);
    },
    get runCount() {
      return runs.size;
    },
    async dispose() {
      await queue;
      disposed = true;
      stopListening();
      for (const activator of runs.values()) disposeRun(activator);
      runs.clear();
    },
  };
}

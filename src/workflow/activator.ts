// The state of one workflow run inside the runtime, and what each activation
// job does to it: the counterpart of sdk-core's workflow machines on the
// language side. Job semantics follow the official TypeScript SDK so that the
// same code and history give the same commands on both workers.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampMs } from "@bufbuild/protobuf/wkt";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type {
  CancelWorkflow,
  DoUpdate,
  FireTimer,
  InitializeWorkflow,
  NotifyHasPatch,
  QueryWorkflow,
  ResolveActivity,
  ResolveChildWorkflowExecution,
  ResolveChildWorkflowExecutionStart,
  ResolveRequestCancelExternalWorkflow,
  ResolveSignalExternalWorkflow,
  SignalWorkflow,
  UpdateRandomSeed,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { type WorkflowCommand, WorkflowCommandSchema } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { FailureConverter, PayloadConverter } from "../converter/types.ts";
import { ApplicationFailure, ensureTemporalFailure, TemporalFailure } from "../failure/index.ts";
import type { AsyncLocalStore } from "../platform/platform.ts";
import { alea, type Random, seedBytes } from "./alea.ts";
import { CancellationScope, RootCancellationScope } from "./cancellation-scope.ts";
import { ContinueAsNew } from "./continue-as-new.ts";
import { StartChildWorkflowExecutionFailedCause } from "../../gen/temporal/sdk/core/child_workflow/child_workflow_pb.ts";
import {
  DeterminismViolationError,
  IllegalStateError,
  isCancellation,
  LocalActivityDoBackoff,
  WorkflowExecutionAlreadyStartedError,
} from "./errors.ts";
import { flagAlternativeConditionHolds, isKnownFlag, type SdkFlagDefinition } from "./flags.ts";
import {
  type DefaultQueryHandler,
  type DefaultSignalHandler,
  type DefaultUpdateHandler,
  HandlerUnfinishedPolicy,
  type QueryHandlerEntry,
  type SignalHandlerEntry,
  type UpdateHandlerEntry,
} from "./handler-types.ts";
import type { UpdateInfo, WorkflowInfo } from "./info.ts";
import { composeInterceptors, type WorkflowInterceptors } from "./interceptors.ts";
import type { WorkflowLogRecord } from "./log.ts";
import type { SinkCall } from "./sinks.ts";
import { type Pending, registerBuiltInQueries } from "./built-in-queries.ts";

export type WorkflowCommandInit = MessageInitShape<typeof WorkflowCommandSchema>;

type UpdateResponseInit =
  | { case: "accepted"; value: Record<string, never> }
  | { case: "rejected"; value: Failure }
  | { case: "completed"; value: Payload };

interface Completion extends Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

interface BlockedCondition extends Pending {
  fn(): boolean;
  resolve(): void;
}

/** Pending operations by sequence number; each remembers the call stack it was issued from, for __stack_trace. */
class PendingMap<T extends Pending> extends Map<number, T> {
  override set(seq: number, pending: T): this {
    pending.site = new Error("pending");
    return super.set(seq, pending);
  }
}

export interface ActivatorOptions {
  info: WorkflowInfo;
  /** Workflow time of the first activation, in ms since the epoch. */
  now: number;
  randomnessSeed: bigint;
  workflow: (...args: unknown[]) => unknown;
  payloadConverter: PayloadConverter;
  failureConverter: FailureConverter;
  createAsyncLocalStorage: <T>() => AsyncLocalStore<T>;
  /**
   * Activity types the worker runs, for the eager check of local activities
   * (an unregistered type fails at once instead of after a round trip).
   * Unknown (no check) when absent.
   */
  registeredActivityNames?: ReadonlySet<string> | undefined;
}

const RESERVED_PREFIX = "__temporal_";

/** The SDK's own query and update names, which skip interceptors. */
function isInternalName(name: string): boolean {
  return name.startsWith(RESERVED_PREFIX) || name === "__stack_trace" || name === "__enhanced_stack_trace";
}

export class Activator {
  info: WorkflowInfo;
  /** Workflow time: the activation timestamp; what `Date.now()` returns in workflow code. */
  now: number;
  random: Random;
  readonly workflow: (...args: unknown[]) => unknown;
  readonly payloadConverter: PayloadConverter;
  readonly failureConverter: FailureConverter;
  readonly scopeStorage: AsyncLocalStore<CancellationScope>;
  readonly rootScope: CancellationScope;

  readonly nextSeqs = { timer: 1, activity: 1, childWorkflow: 1, signalWorkflow: 1, cancelWorkflow: 1, condition: 1 };
  readonly completions = {
    timer: new PendingMap<Completion>(),
    activity: new PendingMap<Completion>(),
    childWorkflowStart: new PendingMap<Completion>(),
    childWorkflowComplete: new PendingMap<Completion>(),
    signalWorkflow: new PendingMap<Completion>(),
    cancelWorkflow: new PendingMap<Completion>(),
  };
  /** The run's interceptors, from the factories of the interceptor modules (set when the run starts). */
  interceptors: Required<WorkflowInterceptors> = { inbound: [], outbound: [], internals: [] };
  /** Which update handler the calling code runs in, for currentUpdateInfo(). */
  readonly updateStorage: AsyncLocalStore<UpdateInfo>;
  readonly registeredActivityNames: ReadonlySet<string> | undefined;
  /** The SDK version that last wrote this history (the activation's lastSdkVersion), for version-gated flags. */
  sdkVersion: string | undefined;
  /** What the workflow says it is doing (setCurrentDetails), served by the __temporal_workflow_metadata query. */
  currentDetails = "";
  readonly blockedConditions = new PendingMap<BlockedCondition>();

  readonly signalHandlers = new Map<string, SignalHandlerEntry>();
  readonly queryHandlers = new Map<string, QueryHandlerEntry>();
  readonly updateHandlers = new Map<string, UpdateHandlerEntry>();
  defaultSignalHandler: DefaultSignalHandler | undefined;
  defaultQueryHandler: DefaultQueryHandler | undefined;
  defaultUpdateHandler: DefaultUpdateHandler | undefined;
  readonly bufferedSignals: SignalWorkflow[] = [];
  readonly bufferedUpdates: DoUpdate[] = [];
  readonly inProgressSignals = new Map<number, { name: string; unfinishedPolicy: HandlerUnfinishedPolicy }>();
  readonly inProgressUpdates = new Map<string, { name: string; unfinishedPolicy: HandlerUnfinishedPolicy }>();
  private signalExecutionSeq = 0;

  readonly knownPresentPatches = new Set<string>();
  readonly sentPatches = new Set<string>();
  readonly patchDecisions = new Map<string, boolean>();
  private readonly knownFlags = new Set<number>();

  private commands: WorkflowCommand[] = [];
  /** Log lines of this activation, handed to the worker's logger after it. */
  logs: WorkflowLogRecord[] = [];
  /** Sink calls of this activation, run by the worker after it. */
  sinkCalls: SinkCall[] = [];
  /** Set once the run has sent its final command (complete, fail, cancel, continue-as-new). */
  completed = false;
  private cancelled = false;
  /** An error that fails the workflow task (not the workflow); the activation reports it. */
  workflowTaskError: unknown;
  /** A promise rejection workflow code left unhandled: this and every later activation of the run fail with it. */
  unhandledRejection: Error | undefined;
  started = false;

  constructor(options: ActivatorOptions) {
    this.info = options.info;
    this.now = options.now;
    this.random = alea(seedBytes(options.randomnessSeed));
    this.workflow = options.workflow;
    this.payloadConverter = options.payloadConverter;
    this.failureConverter = options.failureConverter;
    this.scopeStorage = options.createAsyncLocalStorage<CancellationScope>();
    this.updateStorage = options.createAsyncLocalStorage<UpdateInfo>();
    this.registeredActivityNames = options.registeredActivityNames;
    this.rootScope = new RootCancellationScope();
    registerBuiltInQueries(this);
  }

  pushCommand(init: WorkflowCommandInit, complete = false): void {
    this.commands.push(create(WorkflowCommandSchema, init));
    if (complete) this.completed = true;
  }

  takeCommands(): WorkflowCommand[] {
    return this.commands.splice(0);
  }

  usedFlags(): number[] {
    return [...this.knownFlags];
  }

  addKnownFlags(flags: readonly number[]): void {
    for (const id of flags) {
      if (!isKnownFlag(id)) {
        throw new IllegalStateError(
          `history uses SDK flag ${id}, which this worker does not know: run it on a worker at least as new as the one that wrote the history`,
        );
      }
      this.knownFlags.add(id);
    }
  }

  /**
   * A flag is on when the history says so, or for new (non-replayed) code
   * when it is on by default, or, while replaying, when the flag's condition
   * on the SDK version that wrote the task holds (those are not recorded as
   * used, as in the official SDK).
   */
  hasFlag(flag: SdkFlagDefinition): boolean {
    if (this.knownFlags.has(flag.id)) return true;
    if (!this.info.unsafe.isReplaying && flag.enabledByDefault) {
      this.knownFlags.add(flag.id);
      return true;
    }
    return this.info.unsafe.isReplaying && flagAlternativeConditionHolds(flag, { currentBuildId: this.info.currentBuildId, sdkVersion: this.sdkVersion });
  }

  // ---- conversion ----

  toPayload(value: unknown): Payload {
    return this.payloadConverter.toPayload(value);
  }

  fromPayloads(payloads: readonly Payload[]): unknown[] {
    return payloads.map((p) => this.payloadConverter.fromPayload(p));
  }

  errorToFailure(err: unknown): Failure {
    return this.failureConverter.errorToFailure(err, this.payloadConverter);
  }

  failureToError(failure: Failure): Error {
    return this.failureConverter.failureToError(failure, this.payloadConverter);
  }

  // ---- jobs ----

  initializeWorkflow(job: InitializeWorkflow): void {
    const memo: Record<string, unknown> = {};
    for (const [key, payload] of Object.entries(job.memo?.fields ?? {})) memo[key] = this.payloadConverter.fromPayload(payload);
    const last = job.lastCompletionResult?.payloads[0];
    this.info = {
      ...this.info,
      memo,
      lastResult: last === undefined ? undefined : this.payloadConverter.fromPayload(last),
      lastFailure: job.continuedFailure ? this.failureToError(job.continuedFailure) : undefined,
    };
  }

  /** Starts the workflow function; its end becomes the run's final command. */
  startWorkflow(job: InitializeWorkflow): void {
    this.started = true;
    const args = this.fromPayloads(job.arguments);
    const log = (level: "debug" | "warn", message: string, attrs: Record<string, unknown> = {}) =>
      this.log(level, message, { sdkComponent: "worker", ...attrs });
    // The promise chain (an async call, one lifecycle-logging step, then the
    // completion step) has as many hops as the official SDK's, so a workflow
    // result and the commands of handlers settle in the same order.
    log("debug", "Workflow started");
    // Called as a plain function (no `this`), as the official SDK calls it; stack traces then show its own name.
    const workflow = this.workflow;
    const execute = composeInterceptors(this.interceptors.inbound, "execute", async (input) => await workflow(...input.args));
    const run = async () => await execute({ args, headers: job.headers });
    run()
      .then(
        (result) => {
          log("debug", "Workflow completed");
          return result;
        },
        (error: unknown) => {
          if (isCancellation(error)) log("debug", "Workflow completed as cancelled");
          else if (error instanceof ContinueAsNew) log("debug", "Workflow continued as new");
          else log("warn", "Workflow failed", { error: String(error) });
          throw error;
        },
      )
      .then(
        (result) => this.completeWorkflow(result),
        (error: unknown) => this.handleWorkflowFailure(error),
      );
  }

  cancelWorkflow(_job: CancelWorkflow): void {
    this.cancelled = true;
    this.rootScope.cancel();
  }

  fireTimer(job: FireTimer): void {
    const completion = this.completions.timer.get(job.seq);
    if (completion === undefined) return;
    this.completions.timer.delete(job.seq);
    completion.resolve(undefined);
  }

  resolveActivity(job: ResolveActivity): void {
    const completion = this.consumeCompletion("activity", job.seq);
    const status = job.result?.status;
    switch (status?.case) {
      case "completed":
        completion.resolve(status.value.result ? this.payloadConverter.fromPayload(status.value.result) : undefined);
        return;
      case "failed":
      case "cancelled":
        if (!status.value.failure) throw new TypeError(`resolveActivity ${job.seq}: ${status.case} result without a failure`);
        completion.reject(this.failureToError(status.value.failure));
        return;
      case "backoff":
        completion.reject(new LocalActivityDoBackoff(status.value));
        return;
      default:
        throw new TypeError(`resolveActivity ${job.seq}: the job has no result`);
    }
  }

  resolveChildWorkflowExecutionStart(job: ResolveChildWorkflowExecutionStart): void {
    const completion = this.consumeCompletion("childWorkflowStart", job.seq);
    const status = job.status;
    switch (status.case) {
      case "succeeded":
        if (!status.value.runId) throw new TypeError(`resolveChildWorkflowExecutionStart ${job.seq}: succeeded without a runId`);
        completion.resolve(status.value.runId);
        return;
      case "failed":
        if (status.value.cause !== StartChildWorkflowExecutionFailedCause.WORKFLOW_ALREADY_EXISTS) {
          throw new IllegalStateError(`resolveChildWorkflowExecutionStart ${job.seq}: unknown start failure cause ${status.value.cause}`);
        }
        // The result promise is settled through the start promise; no result job will follow.
        this.completions.childWorkflowComplete.delete(job.seq);
        completion.reject(
          new WorkflowExecutionAlreadyStartedError("Workflow execution already started", status.value.workflowId, status.value.workflowType),
        );
        return;
      case "cancelled":
        if (!status.value.failure) throw new TypeError(`resolveChildWorkflowExecutionStart ${job.seq}: cancelled without a failure`);
        this.completions.childWorkflowComplete.delete(job.seq);
        completion.reject(this.failureToError(status.value.failure));
        return;
      default:
        throw new TypeError(`resolveChildWorkflowExecutionStart ${job.seq}: the job has no status`);
    }
  }

  resolveChildWorkflowExecution(job: ResolveChildWorkflowExecution): void {
    const completion = this.consumeCompletion("childWorkflowComplete", job.seq);
    const status = job.result?.status;
    switch (status?.case) {
      case "completed":
        completion.resolve(status.value.result ? this.payloadConverter.fromPayload(status.value.result) : undefined);
        return;
      case "failed":
      case "cancelled":
        if (!status.value.failure) throw new TypeError(`resolveChildWorkflowExecution ${job.seq}: ${status.case} result without a failure`);
        completion.reject(this.failureToError(status.value.failure));
        return;
      default:
        throw new TypeError(`resolveChildWorkflowExecution ${job.seq}: the job has no result`);
    }
  }

  resolveSignalExternalWorkflow(job: ResolveSignalExternalWorkflow): void {
    const completion = this.consumeCompletion("signalWorkflow", job.seq);
    if (job.failure) completion.reject(this.failureToError(job.failure));
    else completion.resolve(undefined);
  }

  resolveRequestCancelExternalWorkflow(job: ResolveRequestCancelExternalWorkflow): void {
    const completion = this.consumeCompletion("cancelWorkflow", job.seq);
    if (job.failure) completion.reject(this.failureToError(job.failure));
    else completion.resolve(undefined);
  }

  updateRandomSeed(job: UpdateRandomSeed): void {
    this.random = alea(seedBytes(job.randomnessSeed));
  }

  notifyHasPatch(job: NotifyHasPatch): void {
    if (!this.info.unsafe.isReplaying) throw new IllegalStateError("notifyHasPatch job in an activation that is not replaying");
    this.knownPresentPatches.add(job.patchId);
  }

  signalWorkflow(job: SignalWorkflow): void {
    const name = job.signalName;
    if (name.startsWith(RESERVED_PREFIX) && !this.signalHandlers.has(name) && this.defaultSignalHandler !== undefined) {
      throw new TypeError(`Cannot use signal name: '${name}', with reserved prefix: '${RESERVED_PREFIX}'`);
    }
    const entry = this.signalHandlers.get(name);
    if (entry === undefined && this.defaultSignalHandler === undefined) {
      this.bufferedSignals.push(job);
      return;
    }
    const executionSeq = this.signalExecutionSeq++;
    this.inProgressSignals.set(executionSeq, { name, unfinishedPolicy: entry?.unfinishedPolicy ?? HandlerUnfinishedPolicy.WARN_AND_ABANDON });
    const execute = composeInterceptors(this.interceptors.inbound, "handleSignal", async (input) => {
      const handler = this.signalHandlers.get(input.signalName)?.handler;
      if (handler) return void (await handler(...input.args));
      const fallback = this.defaultSignalHandler;
      if (fallback) return void (await fallback(input.signalName, ...input.args));
      throw new IllegalStateError(`No registered signal handler for signal: ${input.signalName}`);
    });
    execute({ signalName: name, args: this.fromPayloads(job.input), headers: job.headers })
      .catch((error: unknown) => this.handleWorkflowFailure(error))
      .finally(() => this.inProgressSignals.delete(executionSeq));
  }

  dispatchBufferedSignals(): void {
    while (this.bufferedSignals.length > 0) {
      if (this.defaultSignalHandler) {
        this.signalWorkflow(this.bufferedSignals.shift() as SignalWorkflow);
        continue;
      }
      const index = this.bufferedSignals.findIndex((s) => this.signalHandlers.has(s.signalName));
      if (index === -1) break;
      this.signalWorkflow(this.bufferedSignals.splice(index, 1)[0] as SignalWorkflow);
    }
  }

  queryWorkflow(job: QueryWorkflow): void {
    const { queryType, queryId } = job;
    if (queryType.startsWith(RESERVED_PREFIX) && !this.queryHandlers.has(queryType) && this.defaultQueryHandler !== undefined) {
      throw new TypeError(`Cannot use query name: '${queryType}', with reserved prefix: '${RESERVED_PREFIX}'`);
    }
    // The SDK's own queries bypass interceptors.
    const interceptors = isInternalName(queryType) ? [] : this.interceptors.inbound;
    const execute = composeInterceptors(interceptors, "handleQuery", (input) => {
      let fn = this.queryHandlers.get(input.queryName)?.handler;
      const fallback = this.defaultQueryHandler;
      if (fn === undefined && fallback !== undefined) fn = (...a: unknown[]) => fallback(input.queryName, ...a);
      if (fn === undefined) {
        const known = [...this.queryHandlers.keys()].join(" ");
        return Promise.reject(new ReferenceError(`Workflow did not register a handler for ${input.queryName}. Registered queries: [${known}]`));
      }
      try {
        const result = fn(...input.args);
        if (result instanceof Promise) {
          return Promise.reject(new DeterminismViolationError("Query handlers should not return a Promise"));
        }
        return Promise.resolve(result);
      } catch (err) {
        return Promise.reject(err);
      }
    });
    execute({ queryId, queryName: queryType, args: this.fromPayloads(job.arguments), headers: job.headers }).then(
      (result) =>
        this.pushCommand({
          variant: { case: "respondToQuery", value: { queryId, variant: { case: "succeeded", value: { response: this.toPayload(result) } } } },
        }),
      (reason: unknown) =>
        this.pushCommand({
          variant: {
            case: "respondToQuery",
            value: { queryId, variant: { case: "failed", value: this.errorToFailure(ensureTemporalFailure(reason)) } },
          },
        }),
    );
  }

  doUpdate(job: DoUpdate): void {
    const { id, protocolInstanceId, name, runValidator } = job;
    if (name.startsWith(RESERVED_PREFIX) && !this.updateHandlers.has(name) && this.defaultUpdateHandler !== undefined) {
      throw new TypeError(`Cannot use update name: '${name}', with reserved prefix: '${RESERVED_PREFIX}'`);
    }
    const fallback = this.defaultUpdateHandler;
    const entry: UpdateHandlerEntry | undefined =
      this.updateHandlers.get(name) ??
      (fallback
        ? {
            handler: (...args: unknown[]) => fallback(name, ...args),
            validator: undefined,
            description: undefined,
            unfinishedPolicy: HandlerUnfinishedPolicy.WARN_AND_ABANDON,
          }
        : undefined);
    if (entry === undefined) {
      this.bufferedUpdates.push(job);
      return;
    }
    const interceptors = isInternalName(name) ? [] : this.interceptors.inbound;
    const respond = (response: UpdateResponseInit) =>
      this.pushCommand({ variant: { case: "updateResponse", value: { protocolInstanceId, response } } });
    const reject = (error: unknown) => respond({ case: "rejected", value: this.errorToFailure(ensureTemporalFailure(error)) });
    // Fresh arguments for the validator and the handler: the handler never sees what the validator did to its copy.
    const makeInput = () => ({ updateId: id, name, args: this.fromPayloads(job.input), headers: job.headers });
    const run = async () => {
      let input: ReturnType<typeof makeInput>;
      try {
        const { validator } = entry;
        if (runValidator && validator) {
          // A validator is a live, read-only check: its log lines are not replays of earlier ones.
          const replayingEvents = this.info.unsafe.isReplayingHistoryEvents;
          this.info = { ...this.info, unsafe: { ...this.info.unsafe, isReplayingHistoryEvents: false } };
          try {
            composeInterceptors(interceptors, "validateUpdate", (i) => validator(...i.args))(makeInput());
          } finally {
            this.info = { ...this.info, unsafe: { ...this.info.unsafe, isReplayingHistoryEvents: replayingEvents } };
          }
        }
        input = makeInput();
      } catch (error) {
        reject(error);
        return;
      }
      respond({ case: "accepted", value: {} });
      this.inProgressUpdates.set(id, { name, unfinishedPolicy: entry.unfinishedPolicy });
      const execute = composeInterceptors(interceptors, "handleUpdate", async (i) => await entry.handler(...i.args));
      await execute(input)
        .then((result) => respond({ case: "completed", value: this.toPayload(result) }))
        .catch((error: unknown) => {
          if (error instanceof TemporalFailure) reject(error);
          else this.handleWorkflowFailure(error);
        })
        .finally(() => this.inProgressUpdates.delete(id));
    };
    this.updateStorage.run({ id, name }, run);
  }

  dispatchBufferedUpdates(): void {
    while (this.bufferedUpdates.length > 0) {
      if (this.defaultUpdateHandler) {
        this.doUpdate(this.bufferedUpdates.shift() as DoUpdate);
        continue;
      }
      const index = this.bufferedUpdates.findIndex((u) => this.updateHandlers.has(u.name));
      if (index === -1) break;
      this.doUpdate(this.bufferedUpdates.splice(index, 1)[0] as DoUpdate);
    }
  }

  /** Updates no handler claimed by the end of an activation are rejected, as the official SDK does. */
  rejectBufferedUpdates(): void {
    for (const update of this.bufferedUpdates.splice(0)) {
      this.pushCommand({
        variant: {
          case: "updateResponse",
          value: {
            protocolInstanceId: update.protocolInstanceId,
            response: {
              case: "rejected",
              value: this.errorToFailure(ApplicationFailure.nonRetryable(`No registered handler for update: ${update.name}`)),
            },
          },
        },
      });
    }
  }

  removeFromCache(): void {
    throw new IllegalStateError("removeFromCache jobs are handled by the runtime (dispose the run), not by workflow code");
  }

  // ---- conditions and completion ----

  /** Resolves every blocked condition that now holds; returns how many. */
  tryUnblockConditions(): number {
    let unblocked = 0;
    for (;;) {
      this.rethrowWorkflowTaskError();
      const before = unblocked;
      for (const [seq, cond] of this.blockedConditions) {
        if (cond.fn()) {
          cond.resolve();
          unblocked++;
          this.blockedConditions.delete(seq);
        }
      }
      if (before === unblocked) return unblocked;
    }
  }

  rethrowWorkflowTaskError(): void {
    if (this.workflowTaskError !== undefined) throw this.workflowTaskError;
  }

  private completeWorkflow(result: unknown): void {
    this.pushCommand({ variant: { case: "completeWorkflowExecution", value: { result: this.toPayload(result) } } }, true);
  }

  /** An error from the workflow function or a handler: fails the workflow or, if not a Temporal failure, the task. */
  handleWorkflowFailure(error: unknown): void {
    if (this.cancelled && isCancellation(error)) {
      this.pushCommand({ variant: { case: "cancelWorkflowExecution", value: {} } }, true);
    } else if (error instanceof ContinueAsNew) {
      this.pushCommand({ variant: { case: "continueAsNewWorkflowExecution", value: error.command } }, true);
    } else if (error instanceof TemporalFailure) {
      this.inProgressSignals.clear();
      this.inProgressUpdates.clear();
      this.pushCommand({ variant: { case: "failWorkflowExecution", value: { failure: this.errorToFailure(error) } } }, true);
    } else if (this.workflowTaskError === undefined) {
      this.workflowTaskError = error;
    }
  }

  private consumeCompletion(kind: keyof Activator["completions"], seq: number): Completion {
    const completion = this.completions[kind].get(seq);
    if (completion === undefined) {
      throw new IllegalStateError(`no pending ${kind} with sequence number ${seq}: the activation does not match this run's state`);
    }
    this.completions[kind].delete(seq);
    return completion;
  }

  log(level: WorkflowLogRecord["level"], message: string, attrs: Record<string, unknown> = {}): void {
    // Queries and update validators are live, read-only work: they log even in a replaying activation.
    this.logs.push({ level, message, attributes: attrs, replaying: this.info.unsafe.isReplayingHistoryEvents, timestampMs: this.now });
  }

  /** Warnings the official SDK gives when a run ends with handlers still running. */
  warnIfUnfinishedHandlers(): void {
    if (this.workflowTaskError !== undefined) return;
    const updates = [...this.inProgressUpdates.entries()].filter(([, u]) => u.unfinishedPolicy === HandlerUnfinishedPolicy.WARN_AND_ABANDON);
    if (updates.length > 0) {
      this.log("warn", "[TMPRL1102] Workflow finished while an update handler was still running", {
        unfinishedUpdates: updates.map(([uid, u]) => ({ name: u.name, id: uid })),
      });
    }
    const signals = [...this.inProgressSignals.values()].filter((s) => s.unfinishedPolicy === HandlerUnfinishedPolicy.WARN_AND_ABANDON);
    if (signals.length > 0) {
      const counts = new Map<string, number>();
      for (const s of signals) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
      this.log("warn", "[TMPRL1102] Workflow finished while a signal handler was still running", {
        unfinishedSignals: [...counts].map(([name, count]) => ({ name, count })),
      });
    }
  }
}

/** Milliseconds of a protobuf Timestamp, or `fallback` when absent. */
export function timestampOr(ts: Parameters<typeof timestampMs>[0] | undefined, fallback: number): number {
  return ts === undefined ? fallback : timestampMs(ts);
}

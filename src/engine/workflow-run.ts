import { create } from "@bufbuild/protobuf";
import type { Command } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { QueryResultType } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { type Failure, FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type { Message } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import type { LocalActivityRequest, LocalActivityResolution } from "./local-activity-requests.ts";
import { type WorkflowQuery, type WorkflowQueryResult, WorkflowQueryResultSchema } from "../../gen/temporal/api/query/v1/message_pb.ts";
import type { WorkflowTaskCompletedMetadata } from "../../gen/temporal/api/sdk/v1/task_complete_metadata_pb.ts";
import {
  QueryWorkflowSchema,
  RemoveFromCache_EvictionReason,
  RemoveFromCacheSchema,
  type WorkflowActivation,
  WorkflowActivationJobSchema,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { QueryResult, WorkflowCommand } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import type { WorkflowActivationCompletion } from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { NondeterminismError } from "./errors.ts";
import { CoreFlag } from "./internal-flags.ts";
import { WorkflowMachines, type WorkflowMachinesOptions } from "./workflow-machines.ts";

/** The query id sdk-core gives the single query of a legacy query task. */
export const LEGACY_QUERY_ID = "legacy_query";

/** One workflow task as the engine needs it (the polling worker fills it from PollWorkflowTaskQueueResponse). */
export interface WorkflowTaskInput {
  /** The whole history on a cache miss, or the events new since the last task of a cached run. */
  events: readonly HistoryEvent[];
  /** `previousStartedEventId` of the poll response. */
  previousStartedEventId: number;
  /** Whether `events` reach the end of the history (false when more pages must be fetched first). */
  hasLastWft?: boolean;
  /** Queries to answer in this task (`queries` of the poll response). */
  queries?: Record<string, WorkflowQuery>;
  /** The query of a legacy query task (`query` of the poll response). */
  legacyQuery?: WorkflowQuery;
  /** Attempt of the task: a failure is reported to the server only on the first. */
  attempt?: number;
  /** Update requests delivered with the task (`messages` of the poll response). */
  messages?: readonly Message[];
}

/** What to answer the server for a workflow task. */
export type WorkflowTaskResult =
  | {
      kind: "completed";
      commands: Command[];
      messages: Message[];
      queryResults: Record<string, WorkflowQueryResult>;
      sdkMetadata: WorkflowTaskCompletedMetadata;
      forceCreateNewWorkflowTask: boolean;
    }
  | {
      kind: "failed";
      cause: WorkflowTaskFailedCause;
      failure: Failure;
      /** sdk-core reports a failed task only on its first attempt, so retries do not flood history. */
      report: boolean;
      /** The error behind the failure (a NondeterminismError for `[TMPRL1100]`). */
      error: Error;
    }
  | { kind: "legacyQuery"; completedType: QueryResultType; answer?: QueryResult; errorMessage: string; failure?: Failure }
  /** Nothing to send: the run already closed, or the task only replayed history. */
  | { kind: "none" };

export interface WorkflowRunOptions extends WorkflowMachinesOptions {}

/**
 * A cached workflow run, as the polling worker and the replayer use it (after
 * sdk-core's ManagedRun): feed it a workflow task, hand each activation it
 * produces to the workflow runtime, give back the runtime's completion, and
 * when `nextActivation()` returns undefined, read `result()`.
 */
export class WorkflowRun {
  readonly machines: WorkflowMachines;
  private pendingQueries: Array<{ id: string; query: WorkflowQuery }> = [];
  private legacy = false;
  private attempt = 1;
  private outcome: WorkflowTaskResult = { kind: "none" };
  private queryResults: QueryResult[] = [];
  private outstanding: "none" | "work" | "queries" = "none";
  private done = true;
  private broken = false;
  private waitingOnLocalActivities = false;
  /** When this worker got the current task: the heartbeat deadline counts from there, as in sdk-core. */
  private taskReceivedMs = 0;

  constructor(options: WorkflowRunOptions) {
    this.machines = new WorkflowMachines(options);
  }

  get runId(): string {
    return this.machines.runId;
  }

  /** Set once the run failed a task: the worker must evict it (see `evictionActivation`). */
  get needsEviction(): boolean {
    return this.broken;
  }

  /** Starts a workflow task. Events already applied are skipped. */
  startTask(task: WorkflowTaskInput): void {
    this.machines.previousStartedEventId = task.previousStartedEventId;
    this.machines.cursor.append(task.events, task.hasLastWft ?? true);
    this.pendingQueries = Object.entries(task.queries ?? {}).map(([id, query]) => ({ id, query }));
    this.legacy = task.legacyQuery !== undefined;
    if (task.legacyQuery !== undefined) this.pendingQueries.push({ id: LEGACY_QUERY_ID, query: task.legacyQuery });
    this.attempt = task.attempt ?? 1;
    this.outcome = { kind: "none" };
    this.queryResults = [];
    this.done = false;
    this.outstanding = "none";
    this.taskReceivedMs = Date.now();
    this.guard(() => {
      if (task.messages !== undefined && task.messages.length > 0) this.machines.addProtocolMessages(task.messages);
      if (!this.machines.hasPendingJobs()) this.machines.applyNextWft();
    });
    // A task with nothing new while local activities run (a heartbeat's successor) just waits for them.
    this.waitingOnLocalActivities = !this.machines.hasPendingJobs() && this.machines.outstandingLocalActivities > 0;
  }

  /**
   * True when `nextActivation()` returned undefined because local activities
   * are still running: hand their requests to the executor, feed its
   * results to `resolveLocalActivity`, or call `heartbeat()` when the task
   * is about to time out.
   */
  get waitingForLocalActivities(): boolean {
    return !this.done && this.waitingOnLocalActivities;
  }

  /** Start / cancel requests for the local activity executor produced since the last call. */
  takeLocalActivityRequests(): LocalActivityRequest[] {
    return this.machines.takeLocalActivityRequests();
  }

  /**
   * A local activity's result. May come while a task waits for it, or
   * between tasks (after a heartbeat): its job then opens the next task.
   */
  resolveLocalActivity(resolution: LocalActivityResolution): void {
    this.guard(() => this.machines.resolveLocalActivity(resolution));
    if (this.machines.outstandingLocalActivities === 0) this.waitingOnLocalActivities = false;
  }

  /**
   * Ends a task that waited too long on local activities (sdk-core: at 80%
   * of the workflow task timeout): it completes with the commands so far
   * and asks the server for a new task, which keeps the run alive while the
   * activities go on.
   */
  heartbeat(): void {
    if (!this.waitingForLocalActivities) return;
    this.finish(true);
  }

  /** Epoch ms after which a task waiting on local activities must heartbeat: 80% of the workflow task timeout. */
  heartbeatDeadlineMs(): number {
    const timeoutMs = this.machines.workflowTaskTimeoutMs ?? 10_000;
    return this.taskReceivedMs + timeoutMs * 0.8;
  }

  /** The server dropped a speculative task (`resetHistoryEventId` of RespondWorkflowTaskCompleted's response). */
  resetLastStartedId(id: number): void {
    this.machines.resetLastStartedId(id);
  }

  /** The next activation for the workflow runtime, or undefined when the task is finished. */
  nextActivation(): WorkflowActivation | undefined {
    if (this.done || this.outstanding !== "none" || this.waitingOnLocalActivities) return undefined;
    if (this.machines.hasPendingJobs()) {
      this.outstanding = "work";
      return this.machines.takeActivation();
    }
    if (this.pendingQueries.length > 0) {
      const activation = this.machines.takeActivation();
      for (const { id, query } of this.pendingQueries) {
        activation.jobs.push(
          create(WorkflowActivationJobSchema, {
            variant: {
              case: "queryWorkflow",
              value: create(QueryWorkflowSchema, {
                queryId: id,
                queryType: query.queryType,
                arguments: query.queryArgs?.payloads ?? [],
                headers: query.header?.fields ?? {},
              }),
            },
          }),
        );
      }
      activation.isReplaying = true;
      this.pendingQueries = [];
      this.outstanding = "queries";
      return activation;
    }
    this.finish();
    return undefined;
  }

  /** Takes the runtime's completion of the last activation. */
  complete(completion: WorkflowActivationCompletion): void {
    const was = this.outstanding;
    this.outstanding = "none";
    const status = completion.status;
    if (status.case === "failed") {
      const failure = status.value.failure ?? create(FailureSchema, { message: "workflow activation failed" });
      const cause =
        status.value.forceCause !== WorkflowTaskFailedCause.UNSPECIFIED
          ? status.value.forceCause
          : WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE;
      this.fail(cause, failure, new Error(failure.message));
      return;
    }
    if (status.case !== "successful") return;
    const commands = status.value.commands;
    const only = commands[0];
    if (this.legacy && commands.length === 1 && only?.variant.case === "respondToQuery" && only.variant.value.queryId === LEGACY_QUERY_ID) {
      this.outcome = legacyResult(only.variant.value);
      this.done = true;
      return;
    }
    this.guard(() => {
      const { rest, queries } = this.preprocess(commands);
      this.queryResults.push(...queries);
      this.machines.flags.addLangUsed(status.value.usedInternalFlags);
      this.machines.applyCommands(rest);
      if (!this.machines.hasPendingJobs()) {
        for (;;) {
          const applied = this.machines.applyNextWft();
          if (applied === 0 || !this.machines.replaying || this.machines.hasPendingJobs()) break;
        }
      }
      this.waitingOnLocalActivities = this.machines.outstandingLocalActivities > 0;
    });
    if (was === "queries" && !this.done) this.finish();
  }

  /** The answer for the server once `nextActivation()` returned undefined. */
  result(): WorkflowTaskResult {
    return this.outcome;
  }

  /** The activation that tells the runtime to drop this run (RemoveFromCache), as core sends on eviction. */
  evictionActivation(message: string, reason = RemoveFromCache_EvictionReason.CACHE_FULL): WorkflowActivation {
    return create(WorkflowActivationSchema, {
      runId: this.runId,
      isReplaying: this.machines.replaying,
      jobs: [
        create(WorkflowActivationJobSchema, { variant: { case: "removeFromCache", value: create(RemoveFromCacheSchema, { message, reason }) } }),
      ],
    });
  }

  private finish(heartbeat = false): void {
    this.done = true;
    if (this.outcome.kind !== "none") return;
    const m = this.machines;
    const hasQueryResults = this.queryResults.length > 0;
    const shouldRespond = heartbeat || !(m.hasPendingJobs() || m.replaying || m.haveSeenTerminalEvent);
    if (!shouldRespond && !hasQueryResults) return;
    const queryResults: Record<string, WorkflowQueryResult> = {};
    for (const r of this.queryResults) queryResults[r.queryId] = toWorkflowQueryResult(r);
    this.outcome = {
      kind: "completed",
      commands: m.outgoingCommands(),
      messages: m.takeMessages(),
      queryResults,
      sdkMetadata: m.flags.gatherForCompletion(),
      // A query answered while a local activity result waits: only a new task will deliver it.
      forceCreateNewWorkflowTask: heartbeat || (hasQueryResults && m.hasPendingLocalActivityResolutions()),
    };
  }

  private fail(cause: WorkflowTaskFailedCause, failure: Failure, error: Error): void {
    this.broken = true;
    this.done = true;
    this.outcome = { kind: "failed", cause, failure, report: this.attempt <= 1, error };
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const cause =
        err instanceof NondeterminismError
          ? WorkflowTaskFailedCause.NON_DETERMINISTIC_ERROR
          : WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE;
      this.fail(cause, create(FailureSchema, { message: error.message, source: "TypeScriptSDK" }), error);
    }
  }

  /**
   * Takes query answers out, and keeps one terminal command last: newer runs
   * move other commands before it; runs recorded before MoveTerminalCommands
   * drop whatever followed it, as they did then.
   */
  private preprocess(commands: readonly WorkflowCommand[]): { rest: WorkflowCommand[]; queries: QueryResult[] } {
    const queries: QueryResult[] = [];
    const rest: WorkflowCommand[] = [];
    const m = this.machines;
    const oldBehaviour = m.replaying && !m.flags.tryUse(CoreFlag.MoveTerminalCommands, false);
    let terminal: WorkflowCommand | undefined;
    for (const c of commands) {
      if (c.variant.case === "respondToQuery") {
        queries.push(c.variant.value);
        continue;
      }
      if (oldBehaviour) {
        if (terminal === undefined) rest.push(c);
        if (isTerminal(c)) terminal ??= c;
        continue;
      }
      if (isTerminal(c)) terminal ??= c;
      else rest.push(c);
    }
    if (!oldBehaviour && terminal !== undefined) rest.push(terminal);
    return { rest, queries };
  }
}

function isTerminal(c: WorkflowCommand): boolean {
  switch (c.variant.case) {
    case "completeWorkflowExecution":
    case "failWorkflowExecution":
    case "cancelWorkflowExecution":
    case "continueAsNewWorkflowExecution":
      return true;
    default:
      return false;
  }
}

function toWorkflowQueryResult(r: QueryResult): WorkflowQueryResult {
  if (r.variant.case === "succeeded") {
    const response = r.variant.value.response;
    return create(WorkflowQueryResultSchema, { resultType: QueryResultType.ANSWERED, answer: { payloads: response ? [response] : [] } });
  }
  const failure = r.variant.case === "failed" ? r.variant.value : undefined;
  return create(WorkflowQueryResultSchema, { resultType: QueryResultType.FAILED, errorMessage: failure?.message ?? "query failed", failure });
}

function legacyResult(r: QueryResult): WorkflowTaskResult {
  if (r.variant.case === "succeeded") return { kind: "legacyQuery", completedType: QueryResultType.ANSWERED, answer: r, errorMessage: "" };
  const failure = r.variant.case === "failed" ? r.variant.value : undefined;
  const out: WorkflowTaskResult = { kind: "legacyQuery", completedType: QueryResultType.FAILED, errorMessage: failure?.message ?? "query failed" };
  if (failure !== undefined) out.failure = failure;
  return out;
}

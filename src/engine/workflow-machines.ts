import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type {
  HistoryEvent,
  WorkflowExecutionStartedEventAttributes,
  WorkflowTaskCompletedEventAttributes,
} from "../../gen/temporal/api/history/v1/message_pb.ts";
import { type WorkerDeploymentVersion, WorkerDeploymentVersionSchema } from "../../gen/temporal/sdk/core/common/common_pb.ts";
import {
  CancelWorkflowSchema,
  InitializeWorkflowSchema,
  SignalWorkflowSchema,
  UpdateRandomSeedSchema,
  type WorkflowActivation,
  type WorkflowActivationJob,
  WorkflowActivationJobSchema,
  WorkflowActivationSchema,
} from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { WorkflowCommand } from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { sortJobs } from "./activation-jobs.ts";
import { MachineMismatch, NondeterminismError, WorkflowEngineError } from "./errors.ts";
import { eventIdOf, eventTypeName, initialCommandEventId, isCommandEvent, isFinalEvent } from "./history/events.ts";
import { HistoryCursor } from "./history/wft-sequence.ts";
import { type CoreFlag, InternalFlags } from "./internal-flags.ts";
import { ActivityMachine } from "./machines/activity.ts";
import type { CommandMachine, EventContext, JobVariant, MachineHost } from "./machines/machine.ts";
import { CancelExternalMachine } from "./machines/cancel-external.ts";
import { ChildWorkflowMachine } from "./machines/child-workflow.ts";
import { SignalExternalMachine } from "./machines/signal-external.ts";
import { CancelWorkflowMachine, CompleteWorkflowMachine, ContinueAsNewMachine, FailWorkflowMachine } from "./machines/terminal-workflow.ts";
import { ModifyWorkflowPropertiesMachine, UpsertSearchAttributesMachine } from "./machines/workflow-properties.ts";
import { TimerMachine } from "./machines/timer.ts";
import { eventTimeMs, WorkflowTaskMachine } from "./machines/workflow-task.ts";
import { randomnessSeedFromRunId } from "./randomness-seed.ts";

export interface WorkflowMachinesOptions {
  runId: string;
  workflowId: string;
  /** Known from the poll response; learnt from WorkflowExecutionStarted otherwise. */
  workflowType?: string;
  /** The run's namespace: the target of signals to its children. */
  namespace?: string;
  /** Written to sdkMetadata when it differs from what the history last recorded. */
  sdkName: string;
  sdkVersion: string;
}

interface QueuedCommand {
  machine: CommandMachine;
  command: Command;
}

/**
 * The heart of the engine, after sdk-core's WorkflowMachines: applies the
 * history one workflow-task sequence at a time, turns events into activation
 * jobs, takes the workflow code's commands into one state machine each, and
 * matches every recorded command event against the next command in order.
 * Plain data in and out: no I/O, no timers.
 */
export class WorkflowMachines implements MachineHost {
  readonly cursor = new HistoryCursor();
  readonly flags: InternalFlags;
  readonly runId: string;
  readonly workflowId: string;
  workflowType: string;
  replaying = true;
  haveSeenTerminalEvent = false;
  lastProcessedEvent = 0;
  currentStartedEventId = 0;
  /** The started id of the task the server last saw completed (from the poll), for the end of replay. */
  previousStartedEventId = 0;
  historySizeBytes = 0n;
  continueAsNewSuggested = false;
  private nextStartedEventId = 0;
  private currentTimeMs: number | undefined;
  private jobs: WorkflowActivationJob[] = [];
  /** Commands sent (or about to be), waiting for their events, in order. */
  private commands: QueuedCommand[] = [];
  private commandsHead = 0;
  /** Commands from the latest completions, not yet prepared. */
  private newCommands: QueuedCommand[] = [];
  private readonly timers = new Map<number, TimerMachine>();
  private readonly activities = new Map<number, ActivityMachine>();
  private readonly children = new Map<number, ChildWorkflowMachine>();
  private readonly signals = new Map<number, SignalExternalMachine>();
  private readonly namespace: string;
  private readonly byEventId = new Map<number, CommandMachine | WorkflowTaskMachine>();
  private currentEventId: number | undefined;
  /** Who completed the task being replayed (as recorded), for version-gated behaviour in the workflow runtime. */
  private deploymentVersion: WorkerDeploymentVersion | undefined;

  constructor(options: WorkflowMachinesOptions) {
    this.runId = options.runId;
    this.workflowId = options.workflowId;
    this.workflowType = options.workflowType ?? "";
    this.namespace = options.namespace ?? "";
    this.flags = new InternalFlags(options.sdkName, options.sdkVersion);
  }

  // --- MachineHost -------------------------------------------------------

  pushJob(job: JobVariant): void {
    this.jobs.push(create(WorkflowActivationJobSchema, { variant: job }));
  }

  issueCommand(machine: CommandMachine, command: Command): void {
    this.newCommands.push({ machine, command });
  }

  tryUseFlag(flag: CoreFlag, record: boolean): boolean {
    return this.flags.tryUse(flag, record);
  }

  // --- history -----------------------------------------------------------

  hasPendingJobs(): boolean {
    return this.jobs.length > 0;
  }

  /**
   * Applies the next whole workflow-task sequence; returns how many events it
   * applied (0 when there is nothing to apply).
   */
  applyNextWft(): number {
    if (this.haveSeenTerminalEvent) {
      this.replaying = false;
      return 0;
    }
    const seq = this.cursor.takeNext(this.currentStartedEventId);
    const events = seq?.events.filter((e) => eventIdOf(e) > this.lastProcessedEvent) ?? [];
    const isLast = seq?.isLast ?? true;
    for (const e of events) {
      if (e.attributes.case === "workflowTaskCompletedEventAttributes") this.flags.addFromComplete(e.attributes.value);
    }
    const last = events[events.length - 1];
    if (last !== undefined) {
      const nextCompleted = this.cursor.peekNextCompleted(eventIdOf(last));
      if (nextCompleted !== undefined) this.flags.addFromComplete(nextCompleted);
      this.deploymentVersion = nextCompleted !== undefined ? recordedDeploymentVersion(nextCompleted) : undefined;
      if (last.eventType === EventType.WORKFLOW_TASK_STARTED) this.nextStartedEventId = eventIdOf(last);
    }
    if (events.length === 0) this.replaying = false;
    const ctx: EventContext = { isLastTask: isLast };
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const id = eventIdOf(event);
      if (id !== this.lastProcessedEvent + 1) {
        throw new WorkflowEngineError(
          `history of run ${this.runId} is out of order: event ${id} follows event ${this.lastProcessedEvent}; the history is incomplete or corrupted`,
        );
      }
      if (
        this.replaying &&
        isLast &&
        id > this.previousStartedEventId &&
        event.eventType !== EventType.WORKFLOW_TASK_COMPLETED &&
        !isCommandEvent(event.eventType)
      ) {
        this.replaying = false;
      }
      this.currentEventId = id;
      this.handleEvent(event, events[i + 1], ctx);
      this.lastProcessedEvent = id;
    }
    this.currentEventId = undefined;
    return events.length;
  }

  private handleEvent(event: HistoryEvent, next: HistoryEvent | undefined, ctx: EventContext): void {
    const type = event.eventType;
    if (isFinalEvent(type)) this.haveSeenTerminalEvent = true;
    if (type === EventType.WORKFLOW_EXECUTION_TERMINATED || type === EventType.WORKFLOW_EXECUTION_TIMED_OUT) {
      if (next !== undefined || !ctx.isLastTask) {
        throw new WorkflowEngineError(`history of run ${this.runId} has events after the run was ${eventTypeName(type)}`);
      }
      return;
    }
    if (type === EventType.UNSPECIFIED || event.attributes.case === undefined) {
      if (event.workerMayIgnore) return;
      throw new WorkflowEngineError(
        `event ${event.eventId} of run ${this.runId} has an unknown type and may not be ignored; this worker is too old for the history`,
      );
    }
    if (isCommandEvent(type)) {
      this.handleCommandEvent(event, ctx);
      return;
    }
    if (event.attributes.case === "workflowTaskStartedEventAttributes") {
      this.historySizeBytes = event.attributes.value.historySizeBytes;
      this.continueAsNewSuggested = event.attributes.value.suggestContinueAsNew;
    }
    const initial = initialCommandEventId(event);
    if (initial !== undefined) {
      const machine = this.byEventId.get(Number(initial));
      if (machine === undefined) {
        throw this.nondeterminism(`${eventTypeName(type)} refers to event ${initial}, which started no command of this run`);
      }
      this.applyToMachine(machine, event, ctx);
      return;
    }
    this.handleNonStatefulEvent(event);
  }

  private handleCommandEvent(event: HistoryEvent, ctx: EventContext): void {
    for (;;) {
      const queued = this.commands[this.commandsHead];
      if (queued === undefined) {
        throw this.nondeterminism(
          `history has ${describeEvent(event)} but the workflow code issued no command for it`,
        );
      }
      this.commandsHead++;
      if (queued.machine.cancelledBeforeSent()) continue;
      this.applyToMachine(queued.machine, event, ctx, queued);
      if (!queued.machine.isFinal()) this.byEventId.set(eventIdOf(event), queued.machine);
      break;
    }
    if (this.commandsHead > 64 && this.commandsHead * 2 > this.commands.length) {
      this.commands = this.commands.slice(this.commandsHead);
      this.commandsHead = 0;
    }
  }

  private applyToMachine(machine: CommandMachine | WorkflowTaskMachine, event: HistoryEvent, ctx: EventContext, queued?: QueuedCommand): void {
    try {
      if (machine instanceof WorkflowTaskMachine) {
        const outcome = machine.handleEvent(event);
        if (outcome.kind === "taskStarted") this.taskStarted(outcome.startedEventId, outcome.timeMs);
        else if (outcome.kind === "reset") {
          this.pushJob({ case: "updateRandomSeed", value: create(UpdateRandomSeedSchema, { randomnessSeed: randomnessSeedFromRunId(outcome.newRunId) }) });
        }
        return;
      }
      machine.handleEvent(event, ctx);
    } catch (err) {
      if (!(err instanceof MachineMismatch)) throw err;
      const subject = queued ? `the workflow code issued ${describeMachine(machine)}` : `it belongs to ${describeMachine(machine)}`;
      throw this.nondeterminism(`history has ${describeEvent(event)} but ${subject} (${err.message})`);
    }
  }

  private handleNonStatefulEvent(event: HistoryEvent): void {
    const a = event.attributes;
    switch (a.case) {
      case "workflowExecutionStartedEventAttributes": {
        const time = eventTimeMs(event);
        this.setCurrentTime(time);
        if (this.workflowType === "") this.workflowType = a.value.workflowType?.name ?? "";
        this.pushJob({ case: "initializeWorkflow", value: this.initializeJob(a.value, time) });
        return;
      }
      case "workflowTaskScheduledEventAttributes": {
        const machine = new WorkflowTaskMachine(this.nextStartedEventId);
        machine.handleEvent(event);
        this.byEventId.set(eventIdOf(event), machine);
        return;
      }
      case "workflowExecutionSignaledEventAttributes":
        this.pushJob({
          case: "signalWorkflow",
          value: create(SignalWorkflowSchema, {
            signalName: a.value.signalName,
            input: a.value.input?.payloads ?? [],
            identity: a.value.identity,
            headers: a.value.header?.fields ?? {},
          }),
        });
        return;
      case "workflowExecutionCancelRequestedEventAttributes":
        this.pushJob({ case: "cancelWorkflow", value: create(CancelWorkflowSchema, { reason: a.value.cause }) });
        return;
      default:
        throw new WorkflowEngineError(
          `event ${event.eventId} (${eventTypeName(event.eventType)}) of run ${this.runId} needs a feature this engine does not implement yet`,
        );
    }
  }

  private initializeJob(a: WorkflowExecutionStartedEventAttributes, timeMs: number) {
    return create(InitializeWorkflowSchema, {
      workflowType: a.workflowType?.name ?? "",
      workflowId: this.workflowId,
      arguments: a.input?.payloads ?? [],
      randomnessSeed: randomnessSeedFromRunId(a.originalExecutionRunId),
      headers: a.header?.fields ?? {},
      identity: a.identity,
      parentWorkflowInfo: a.parentWorkflowExecution
        ? { namespace: a.parentWorkflowNamespace, workflowId: a.parentWorkflowExecution.workflowId, runId: a.parentWorkflowExecution.runId }
        : undefined,
      workflowExecutionTimeout: a.workflowExecutionTimeout,
      workflowRunTimeout: a.workflowRunTimeout,
      workflowTaskTimeout: a.workflowTaskTimeout,
      continuedFromExecutionRunId: a.continuedExecutionRunId,
      continuedInitiator: a.initiator,
      continuedFailure: a.continuedFailure,
      lastCompletionResult: a.lastCompletionResult,
      firstExecutionRunId: a.firstExecutionRunId,
      retryPolicy: a.retryPolicy,
      attempt: a.attempt,
      cronSchedule: a.cronSchedule,
      workflowExecutionExpirationTime: a.workflowExecutionExpirationTime,
      cronScheduleToScheduleInterval: a.firstWorkflowTaskBackoff,
      memo: a.memo,
      searchAttributes: a.searchAttributes,
      startTime: timestampFromMs(timeMs),
      rootWorkflow: a.rootWorkflowExecution,
      priority: a.priority,
      originalExecutionRunId: a.originalExecutionRunId,
    });
  }

  private taskStarted(startedEventId: number, timeMs: number): void {
    this.currentStartedEventId = startedEventId;
    this.setCurrentTime(timeMs);
  }

  private setCurrentTime(ms: number): void {
    if (this.currentTimeMs === undefined || this.currentTimeMs < ms) this.currentTimeMs = ms;
  }

  // --- activations and commands -----------------------------------------

  /** Drains the pending jobs into an activation (possibly without jobs). */
  takeActivation(): WorkflowActivation {
    const jobs = sortJobs(this.jobs);
    this.jobs = [];
    const allQueries = jobs.length > 0 && jobs.every((j) => j.variant.case === "queryWorkflow");
    return create(WorkflowActivationSchema, {
      runId: this.runId,
      timestamp: this.currentTimeMs !== undefined ? timestampFromMs(this.currentTimeMs) : undefined,
      isReplaying: this.replaying || allQueries,
      historyLength: this.lastProcessedEvent,
      jobs,
      availableInternalFlags: this.flags.langFlags(),
      historySizeBytes: this.historySizeBytes,
      continueAsNewSuggested: this.continueAsNewSuggested,
      lastSdkVersion: this.flags.lastSdkVersionSeen(),
      deploymentVersionForCurrentTask: this.replaying ? this.deploymentVersion : undefined,
    });
  }

  /** Takes the commands of a successful completion (queries already removed). */
  applyCommands(commands: readonly WorkflowCommand[]): void {
    for (const cmd of commands) this.applyCommand(cmd);
    this.prepareCommands();
  }

  private applyCommand(cmd: WorkflowCommand): void {
    const v = cmd.variant;
    switch (v.case) {
      case "startTimer": {
        const m = new TimerMachine(this, v.value);
        this.timers.set(v.value.seq, m);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "cancelTimer": {
        const m = this.timers.get(v.value.seq);
        if (m === undefined) throw this.nondeterminism(`the workflow code cancelled timer seq ${v.value.seq}, which it never started`);
        this.wrapMismatch(() => m.cancel(), m);
        return;
      }
      case "scheduleActivity": {
        const m = new ActivityMachine(this, v.value);
        this.activities.set(v.value.seq, m);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "requestCancelActivity": {
        const m = this.activities.get(v.value.seq);
        if (m === undefined) throw this.nondeterminism(`the workflow code cancelled activity seq ${v.value.seq}, which it never scheduled`);
        this.wrapMismatch(() => m.cancel(), m);
        return;
      }
      case "startChildWorkflowExecution": {
        const m = new ChildWorkflowMachine(this, v.value);
        this.children.set(v.value.seq, m);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "cancelChildWorkflowExecution": {
        const m = this.children.get(v.value.childWorkflowSeq);
        if (m === undefined) throw this.nondeterminism(`the workflow code cancelled child workflow seq ${v.value.childWorkflowSeq}, which it never started`);
        this.wrapMismatch(() => m.cancel(v.value.reason), m);
        return;
      }
      case "signalExternalWorkflowExecution": {
        const m = new SignalExternalMachine(this, v.value, this.namespace);
        this.signals.set(v.value.seq, m);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "cancelSignalWorkflow": {
        const m = this.signals.get(v.value.seq);
        if (m === undefined) throw this.nondeterminism(`the workflow code cancelled signal seq ${v.value.seq}, which it never sent`);
        this.wrapMismatch(() => m.cancel(), m);
        return;
      }
      case "requestCancelExternalWorkflowExecution": {
        const m = new CancelExternalMachine(this, v.value);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "upsertWorkflowSearchAttributes": {
        const m = new UpsertSearchAttributesMachine(v.value);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "modifyWorkflowProperties": {
        const m = new ModifyWorkflowPropertiesMachine(v.value);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "continueAsNewWorkflowExecution": {
        const m = new ContinueAsNewMachine(v.value, this.workflowType);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "completeWorkflowExecution": {
        const m = new CompleteWorkflowMachine(v.value);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "failWorkflowExecution": {
        const m = new FailWorkflowMachine(v.value);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "cancelWorkflowExecution": {
        const m = new CancelWorkflowMachine();
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "respondToQuery":
        throw new WorkflowEngineError("query responses are handled by the run, not the machines");
      case undefined:
        return;
      default:
        throw new WorkflowEngineError(
          `the workflow code issued ${v.case}, which this engine does not implement yet (workflow type "${this.workflowType}")`,
        );
    }
  }

  private addCommand(machine: CommandMachine, command: Command, from: WorkflowCommand): void {
    if (from.userMetadata !== undefined) command.userMetadata = from.userMetadata;
    this.newCommands.push({ machine, command });
  }

  private wrapMismatch(fn: () => void, machine: CommandMachine): void {
    try {
      fn();
    } catch (err) {
      if (err instanceof MachineMismatch) throw this.nondeterminism(`${machine.describe()}: ${err.message}`);
      throw err;
    }
  }

  /** Moves new commands to the outgoing queue, dropping those cancelled before they left. */
  private prepareCommands(): void {
    if (this.commands.some((c, i) => i >= this.commandsHead && c.machine.cancelledBeforeSent())) {
      this.commands = this.commands.slice(this.commandsHead).filter((c) => !c.machine.cancelledBeforeSent());
      this.commandsHead = 0;
    }
    const fresh = this.newCommands;
    this.newCommands = [];
    for (const c of fresh) {
      if (c.machine.cancelledBeforeSent()) continue;
      this.wrapMismatch(() => c.machine.onCommandSent(c.command.commandType), c.machine);
      this.commands.push(c);
    }
  }

  /** The commands for RespondWorkflowTaskCompleted: those whose machines are still live. */
  outgoingCommands(): Command[] {
    this.flags.writeAllKnown();
    const out: Command[] = [];
    for (let i = this.commandsHead; i < this.commands.length; i++) {
      const c = this.commands[i]!;
      if (!c.machine.isFinal()) out.push(c.command);
    }
    return out;
  }

  private nondeterminism(detail: string): NondeterminismError {
    const options: { eventId?: number; workflowType: string; runId: string } = { workflowType: this.workflowType, runId: this.runId };
    if (this.currentEventId !== undefined) options.eventId = this.currentEventId;
    return new NondeterminismError(detail, options);
  }
}

/**
 * The worker version a WorkflowTaskCompleted records, newest field first:
 * the official TypeScript SDK recognises histories of its releases that
 * wrote no SDK flags by this build id (`@temporalio/worker@1.11.1+...`).
 */
function recordedDeploymentVersion(attrs: WorkflowTaskCompletedEventAttributes): WorkerDeploymentVersion | undefined {
  const v = attrs.deploymentVersion;
  if (v !== undefined && v.buildId !== "") return create(WorkerDeploymentVersionSchema, { deploymentName: v.deploymentName, buildId: v.buildId });
  const buildId = attrs.deployment?.buildId || attrs.workerVersion?.buildId || attrs.binaryChecksum;
  if (!buildId) return undefined;
  return create(WorkerDeploymentVersionSchema, { deploymentName: attrs.deployment?.seriesName ?? attrs.workerDeploymentName, buildId });
}

function describeEvent(event: HistoryEvent): string {
  const a = event.attributes;
  const name = eventTypeName(event.eventType);
  switch (a.case) {
    case "activityTaskScheduledEventAttributes":
      return `${name}(type "${a.value.activityType?.name ?? ""}", id "${a.value.activityId}")`;
    case "timerStartedEventAttributes":
      return `${name}(timer id "${a.value.timerId}")`;
    case "markerRecordedEventAttributes":
      return `${name}(marker "${a.value.markerName}")`;
    case "startChildWorkflowExecutionInitiatedEventAttributes":
      return `${name}(type "${a.value.workflowType?.name ?? ""}", id "${a.value.workflowId}")`;
    default:
      return name;
  }
}

function describeMachine(machine: CommandMachine | WorkflowTaskMachine): string {
  return machine instanceof WorkflowTaskMachine ? "a workflow task" : machine.describe();
}

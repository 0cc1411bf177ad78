import { create } from "@bufbuild/protobuf";
import { anyUnpack, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Command } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
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
import type { Message } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import { RequestSchema } from "../../gen/temporal/api/update/v1/message_pb.ts";
import {
  type ScheduleLocalActivity,
  UpsertWorkflowSearchAttributesSchema,
  type WorkflowCommand,
} from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { sortJobs } from "./activation-jobs.ts";
import { MachineMismatch, NondeterminismError, WorkflowEngineError } from "./errors.ts";
import { eventIdOf, eventTypeName, initialCommandEventId, isCommandEvent, isFinalEvent } from "./history/events.ts";
import { HistoryCursor } from "./history/wft-sequence.ts";
import { CoreFlag, InternalFlags } from "./internal-flags.ts";
import { LocalActivityQueue } from "./local-activity-queue.ts";
import type { LocalActivityRequest, LocalActivityResolution } from "./local-activity-requests.ts";
import {
  CHANGE_VERSION_SEARCH_ATTRIBUTE,
  isLocalActivityMarker,
  jsonPayload,
  localActivityMarkerOf,
  MAX_SEARCH_ATTRIBUTE_PAYLOAD_BYTES,
  patchMarkerOf,
} from "./markers.ts";
import { ActivityMachine } from "./machines/activity.ts";
import type { CommandMachine, EventContext, JobVariant, MachineHost } from "./machines/machine.ts";
import { CancelExternalMachine } from "./machines/cancel-external.ts";
import { ChildWorkflowMachine } from "./machines/child-workflow.ts";
import { type LocalActivityHost, LocalActivityMachine, type ResolveData, resolveDataFromMarker } from "./machines/local-activity.ts";
import { PatchMachine } from "./machines/patch.ts";
import { UpdateMachine, type UpdateHost, type UpdateRequestMessage } from "./machines/update.ts";
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
export class WorkflowMachines implements MachineHost, LocalActivityHost, UpdateHost {
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
  private readonly localActivities = new Map<number, LocalActivityMachine>();
  /** Local activities scheduled while replaying that still wait for their marker. */
  private readonly waitingForMarker = new Set<LocalActivityMachine>();
  private readonly laQueue = new LocalActivityQueue();
  private readonly updates = new Map<string, UpdateMachine>();
  /** Patch ids seen in history (ahead of the code) or sent by it; `created` once a marker command exists. */
  private readonly patches = new Map<string, { created: boolean }>();
  /** Update requests of the current task not yet processed (they wait for their sequencing event). */
  private protocolMessages: UpdateRequestMessage[] = [];
  private messageOutbox: Message[] = [];
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

  issueMessage(message: Message): void {
    // Replay only rebuilds state: the server already has these messages.
    if (!this.replaying) this.messageOutbox.push(message);
  }

  queueLocalActivity(command: ScheduleLocalActivity): void {
    this.laQueue.enqueue(command);
  }

  requestCancelLocalActivity(machine: LocalActivityMachine): void {
    const pre = this.laQueue.takePreResolution(machine.seq);
    if (pre !== undefined) {
      machine.handleKnownResult(pre);
      return;
    }
    const queued = this.laQueue.removeFromQueue(machine.seq);
    if (queued !== undefined) {
      machine.handleResult({
        outcome: { case: "cancelled", failure: create(FailureSchema, { message: "Activity cancelled", failureInfo: { case: "canceledFailureInfo", value: {} } }) },
        completeTime: undefined,
        attempt: queued.attempt,
        backoff: undefined,
        originalScheduleTime: queued.originalScheduleTime,
      });
      return;
    }
    this.laQueue.enqueueCancel(machine.seq);
  }

  abandonLocalActivity(seq: number): void {
    this.laQueue.doneExecuting(seq);
  }

  advanceTime(ms: number): void {
    this.setCurrentTime(ms);
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
    const lastHandledStartedId = this.currentStartedEventId;
    const seq = this.cursor.takeNext(lastHandledStartedId);
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
    // Durable update requests seen while replaying: used if a later UpdateAccepted refers to them.
    const admitted = new Map<string, UpdateRequestMessage>();
    let skipNext = false;
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
      const isAdmitted = event.attributes.case === "workflowExecutionUpdateAdmittedEventAttributes";
      if (isAdmitted) {
        const msg = this.admittedRequest(event);
        if (this.replaying) admitted.set(msg.protocolInstanceId, msg);
        else this.protocolMessages.push(msg);
      }
      this.processMessagesUpTo(id - 1);
      if (isAdmitted || skipNext) skipNext = false;
      else skipNext = this.handleEvent(event, events[i + 1], ctx);
      this.lastProcessedEvent = id;
    }
    this.currentEventId = undefined;
    this.lookAhead(lastHandledStartedId, admitted);
    return events.length;
  }

  /**
   * Reads the next task's events before the code runs, as sdk-core does:
   * patch markers become NotifyHasPatch jobs, local activity markers resolve
   * their activities in the activation where they first resolved, and
   * UpdateAccepted events become the update requests they accepted.
   */
  private lookAhead(fromStartedId: number, admitted: Map<string, UpdateRequestMessage>): void {
    const wake: Array<[LocalActivityMachine, ResolveData]> = [];
    const accepted: UpdateRequestMessage[] = [];
    for (const e of this.cursor.peekNext(fromStartedId)) {
      const patch = patchMarkerOf(e);
      if (patch !== undefined) {
        this.patches.set(patch.patchId, { created: false });
        this.pushJob({ case: "notifyHasPatch", value: { patchId: patch.patchId } as never });
        continue;
      }
      if (isLocalActivityMarker(e)) {
        const marker = localActivityMarkerOf(e);
        if (marker === undefined) throw new WorkflowEngineError(`event ${e.eventId} of run ${this.runId} is a local activity marker whose data cannot be read`);
        const machine = this.localActivities.get(marker.data.seq);
        if (machine !== undefined) wake.push([machine, resolveDataFromMarker(marker)]);
        else this.laQueue.insertPreResolution(marker.data.seq, resolveDataFromMarker(marker));
        continue;
      }
      if (e.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes") {
        const a = e.attributes.value;
        const fromAdmitted = admitted.get(a.protocolInstanceId);
        admitted.delete(a.protocolInstanceId);
        if (fromAdmitted !== undefined) accepted.push(fromAdmitted);
        else {
          if (a.acceptedRequest === undefined) throw new WorkflowEngineError(`UpdateAccepted event ${e.eventId} of run ${this.runId} has no accepted request`);
          accepted.push({
            messageId: a.acceptedRequestMessageId,
            protocolInstanceId: a.protocolInstanceId,
            sequencingEventId: a.acceptedRequestSequencingEventId,
            request: a.acceptedRequest,
          });
        }
      }
    }
    for (const [machine, data] of wake) {
      if (machine.acceptsKnownResult()) this.wrapMismatch(() => machine.handleKnownResult(data), machine);
      else this.laQueue.insertPreResolution(machine.seq, data);
    }
    for (const msg of accepted) this.startUpdate(msg);
  }

  /** The request of a durable update (UpdateAdmitted), as the message a speculative task would have carried. */
  private admittedRequest(event: HistoryEvent): UpdateRequestMessage {
    const a = event.attributes;
    if (a.case !== "workflowExecutionUpdateAdmittedEventAttributes" || a.value.request?.meta === undefined) {
      throw new WorkflowEngineError(`UpdateAdmitted event ${event.eventId} of run ${this.runId} has no request`);
    }
    const id = a.value.request.meta.updateId;
    return { messageId: `${id}/request`, protocolInstanceId: id, sequencingEventId: event.eventId, request: a.value.request };
  }

  /** Update requests of a workflow task (PollWorkflowTaskQueueResponse.messages). */
  addProtocolMessages(messages: readonly Message[]): void {
    for (const m of messages) {
      if (m.body === undefined) throw new WorkflowEngineError(`protocol message ${m.id} of run ${this.runId} has no body`);
      const request = anyUnpack(m.body, RequestSchema);
      if (request === undefined) {
        throw new WorkflowEngineError(`protocol message ${m.id} of run ${this.runId} carries ${m.body.typeUrl}; only update requests are understood`);
      }
      if (m.sequencingId.case !== "eventId") {
        throw new WorkflowEngineError(`update request ${m.id} of run ${this.runId} has no sequencing event id; the server sent a malformed message`);
      }
      this.protocolMessages.push({ messageId: m.id, protocolInstanceId: m.protocolInstanceId, sequencingEventId: m.sequencingId.value, request });
    }
  }

  private processMessagesUpTo(eventId: number): void {
    if (this.protocolMessages.length === 0) return;
    const ready = this.protocolMessages.filter((m) => Number(m.sequencingEventId) <= eventId);
    if (ready.length === 0) return;
    this.protocolMessages = this.protocolMessages.filter((m) => Number(m.sequencingEventId) > eventId);
    for (const m of ready) this.startUpdate(m);
  }

  private startUpdate(msg: UpdateRequestMessage): void {
    const machine = this.wrapMismatch(() => new UpdateMachine(this, msg, this.replaying));
    this.updates.set(msg.protocolInstanceId, machine);
  }

  /** Protocol messages for RespondWorkflowTaskCompleted; taking them empties the outbox. */
  takeMessages(): Message[] {
    const out = this.messageOutbox;
    this.messageOutbox = [];
    return out;
  }

  /** Returns whether the event after this one must be skipped (the upsert that came with a skipped patch marker). */
  private handleEvent(event: HistoryEvent, next: HistoryEvent | undefined, ctx: EventContext): boolean {
    const type = event.eventType;
    if (isFinalEvent(type)) this.haveSeenTerminalEvent = true;
    if (type === EventType.WORKFLOW_EXECUTION_TERMINATED || type === EventType.WORKFLOW_EXECUTION_TIMED_OUT) {
      if (next !== undefined || !ctx.isLastTask) {
        throw new WorkflowEngineError(`history of run ${this.runId} has events after the run was ${eventTypeName(type)}`);
      }
      return false;
    }
    if (type === EventType.UNSPECIFIED || event.attributes.case === undefined) {
      if (event.workerMayIgnore) return false;
      throw new WorkflowEngineError(
        `event ${event.eventId} of run ${this.runId} has an unknown type and may not be ignored; this worker is too old for the history`,
      );
    }
    if (isCommandEvent(type)) return this.handleCommandEvent(event, next, ctx);
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
      return false;
    }
    this.handleNonStatefulEvent(event);
    return false;
  }

  /**
   * Matches a command event with the next command sent. Markers bend the
   * rule as in sdk-core: a local activity marker whose activity is still
   * waiting for it goes straight to its machine; a deprecated patch marker
   * no code asks for is skipped (with its TemporalChangeVersion upsert);
   * a patch command meeting anything but a patch marker was never recorded.
   */
  private handleCommandEvent(event: HistoryEvent, next: HistoryEvent | undefined, ctx: EventContext): boolean {
    if (isLocalActivityMarker(event)) {
      const marker = localActivityMarkerOf(event);
      if (marker === undefined) throw new WorkflowEngineError(`event ${event.eventId} of run ${this.runId} is a local activity marker whose data cannot be read`);
      const machine = this.localActivities.get(marker.data.seq);
      if (machine === undefined) {
        throw this.nondeterminism(`history has a local activity marker for seq ${marker.data.seq} (type "${marker.data.activityType}") but the workflow code scheduled no such local activity`);
      }
      if (machine.takesMarkerDirectly()) {
        this.applyToMachine(machine, event, ctx);
        this.waitingForMarker.delete(machine);
        return false;
      }
    }
    const patch = patchMarkerOf(event);
    for (;;) {
      const queued = this.commands[this.commandsHead];
      const patchMachine = queued?.machine instanceof PatchMachine ? queued.machine : undefined;
      if (patch !== undefined) {
        if (patch.deprecated && patchMachine?.patchId !== patch.patchId) return isChangeVersionUpsert(next);
        if (patchMachine === undefined && queued?.machine !== undefined) {
          throw this.nondeterminism(`history has a marker for patch "${patch.patchId}" but the workflow code issued ${queued.machine.describe()}; the code no longer calls patched("${patch.patchId}") here`);
        }
      } else if (patchMachine !== undefined) {
        this.commandsHead++;
        continue;
      }
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
    return false;
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
        const t = a.value.workflowTaskTimeout;
        if (t !== undefined) this.workflowTaskTimeoutMs = Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
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
    // New work: local activities still waiting for a marker will never get one, so they run now.
    if (!this.replaying && this.waitingForMarker.size > 0) {
      for (const m of this.waitingForMarker) m.startedNonReplayTask();
      this.waitingForMarker.clear();
    }
  }

  /** The run's workflow task timeout, from WorkflowExecutionStarted. */
  workflowTaskTimeoutMs: number | undefined;

  // --- local activities ----------------------------------------------------

  /** Local activities queued or running: the task waits for them (heartbeating) before it completes. */
  get outstandingLocalActivities(): number {
    return this.laQueue.outstanding;
  }

  /** Requests for the local activity executor since the last call. */
  takeLocalActivityRequests(): LocalActivityRequest[] {
    const { cancelAll, cancels, starts } = this.laQueue.takeAll();
    const out: LocalActivityRequest[] = [];
    if (cancelAll) out.push({ kind: "cancelAll", runId: this.runId });
    for (const seq of cancels) out.push({ kind: "cancel", runId: this.runId, seq });
    for (const command of starts) {
      out.push({
        kind: "start",
        runId: this.runId,
        workflowId: this.workflowId,
        workflowType: this.workflowType,
        command,
        originalScheduleTime: command.originalScheduleTime ?? timestampFromMs(Date.now()),
      });
    }
    return out;
  }

  /** A result from the executor; its ResolveActivity job goes in the next activation. */
  resolveLocalActivity(resolution: LocalActivityResolution): void {
    const machine = this.localActivities.get(resolution.seq);
    // Results of activities the run no longer tracks (abandoned, or the run is ending) are dropped, as in sdk-core.
    if (machine === undefined) return;
    this.laQueue.doneExecuting(resolution.seq);
    const completeMs = machine.completeTimeAfter(resolution.runtimeMs);
    this.wrapMismatch(
      () =>
        machine.handleResult({
          outcome: resolution.outcome,
          completeTime: completeMs === undefined ? undefined : timestampFromMs(completeMs),
          attempt: resolution.attempt,
          backoff: resolution.backoff,
          originalScheduleTime: resolution.originalScheduleTime,
        }),
      machine,
    );
  }

  /** Whether a local activity resolution waits in the pending jobs (a query answer must then ask for a new task). */
  hasPendingLocalActivityResolutions(): boolean {
    return this.jobs.some((j) => j.variant.case === "resolveActivity" && j.variant.value.isLocal);
  }

  /**
   * Rolls back a speculative task the server dropped (an update rejected in
   * it): RespondWorkflowTaskCompleted answered with `resetHistoryEventId`.
   */
  resetLastStartedId(id: number): void {
    this.currentStartedEventId = id;
    this.lastProcessedEvent -= 2;
    for (const eventId of this.byEventId.keys()) {
      if (eventId > this.lastProcessedEvent) this.byEventId.delete(eventId);
    }
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
        const flagged = this.flags.tryUse(CoreFlag.UpsertSearchAttributeOnPatch, !this.replaying);
        // TemporalChangeVersion belongs to patches; sdk-core sends an empty upsert instead (kept for old histories).
        const attrs =
          flagged && v.value.searchAttributes?.indexedFields[CHANGE_VERSION_SEARCH_ATTRIBUTE] !== undefined
            ? create(UpsertWorkflowSearchAttributesSchema, { searchAttributes: {} })
            : v.value;
        const m = new UpsertSearchAttributesMachine(attrs);
        this.addCommand(m, m.command, cmd);
        return;
      }
      case "setPatchMarker":
        this.setPatchMarker(v.value.patchId, v.value.deprecated, cmd);
        return;
      case "scheduleLocalActivity": {
        const replaying = this.replaying;
        const m = this.wrapMismatch(
          () => new LocalActivityMachine(this, v.value, replaying, this.laQueue.takePreResolution(v.value.seq), this.currentTimeMs, cmd.userMetadata),
        );
        this.localActivities.set(v.value.seq, m);
        if (m.takesMarkerDirectly() && m.state === "WaitingMarkerEvent") this.waitingForMarker.add(m);
        return;
      }
      case "requestCancelLocalActivity": {
        const m = this.localActivities.get(v.value.seq);
        if (m === undefined) throw this.nondeterminism(`the workflow code cancelled local activity seq ${v.value.seq}, which it never scheduled`);
        this.wrapMismatch(() => m.cancel(), m);
        return;
      }
      case "updateResponse": {
        const m = this.updates.get(v.value.protocolInstanceId);
        if (m === undefined) {
          throw new WorkflowEngineError(`the workflow code answered update "${v.value.protocolInstanceId}", which this run never received`);
        }
        this.wrapMismatch(() => m.respond(v.value), m);
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
        // Nothing will be recorded for local activities still running: stop waiting for them.
        this.laQueue.indicateTerminating();
        return;
      }
      case "completeWorkflowExecution": {
        const m = new CompleteWorkflowMachine(v.value);
        this.addCommand(m, m.command, cmd);
        // Nothing will be recorded for local activities still running: stop waiting for them.
        this.laQueue.indicateTerminating();
        return;
      }
      case "failWorkflowExecution": {
        const m = new FailWorkflowMachine(v.value);
        this.addCommand(m, m.command, cmd);
        // Nothing will be recorded for local activities still running: stop waiting for them.
        this.laQueue.indicateTerminating();
        return;
      }
      case "cancelWorkflowExecution": {
        const m = new CancelWorkflowMachine();
        this.addCommand(m, m.command, cmd);
        // Nothing will be recorded for local activities still running: stop waiting for them.
        this.laQueue.indicateTerminating();
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

  /**
   * A `patched()` / `deprecatePatch()` call the runtime reported (once per
   * patch): a marker command, and with core flag 2 an upsert of
   * TemporalChangeVersion listing every patch this run has sent.
   */
  private setPatchMarker(patchId: string, deprecated: boolean, from: WorkflowCommand): void {
    const seen = this.patches.get(patchId);
    if (seen?.created) return;
    const m = new PatchMachine(patchId, deprecated, this.replaying);
    this.addCommand(m, m.command, from);
    const notInHistory = this.replaying && seen === undefined;
    const flagged = this.flags.tryUse(CoreFlag.UpsertSearchAttributeOnPatch, !this.replaying);
    if (!notInHistory && flagged) {
      const ids = [...this.patches].filter(([, p]) => p.created).map(([id]) => id);
      if (!ids.includes(patchId)) ids.push(patchId);
      ids.sort();
      const value = jsonPayload(ids, { type: "KeywordList" });
      if (value.data.length < MAX_SEARCH_ATTRIBUTE_PAYLOAD_BYTES) {
        const upsert = new UpsertSearchAttributesMachine(
          create(UpsertWorkflowSearchAttributesSchema, { searchAttributes: { indexedFields: { [CHANGE_VERSION_SEARCH_ATTRIBUTE]: value } } }),
        );
        this.newCommands.push({ machine: upsert, command: upsert.command });
      }
    }
    this.patches.set(patchId, { created: true });
  }

  private addCommand(machine: CommandMachine, command: Command, from: WorkflowCommand): void {
    if (from.userMetadata !== undefined) command.userMetadata = from.userMetadata;
    this.newCommands.push({ machine, command });
  }

  private wrapMismatch<T>(fn: () => T, machine?: CommandMachine): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof MachineMismatch) throw this.nondeterminism(machine ? `${machine.describe()}: ${err.message}` : err.message);
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

/** The upsert sdk-core writes right after a patch marker (skipped along with a skipped deprecated marker). */
function isChangeVersionUpsert(event: HistoryEvent | undefined): boolean {
  const a = event?.attributes;
  return a?.case === "upsertWorkflowSearchAttributesEventAttributes" && a.value.searchAttributes?.indexedFields[CHANGE_VERSION_SEARCH_ATTRIBUTE] !== undefined;
}

import { create } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type { WorkflowActivation } from "../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  type WorkflowCommand,
  WorkflowCommandSchema,
} from "../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import {
  type WorkflowActivationCompletion,
  WorkflowActivationCompletionSchema,
} from "../../gen/temporal/sdk/core/workflow_completion/workflow_completion_pb.ts";
import { anyPack, timestampMs } from "@bufbuild/protobuf/wkt";
import { type Message, MessageSchema } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import { RequestSchema } from "../../gen/temporal/api/update/v1/message_pb.ts";
import { type ActivationRunner, driveWorkflowTask } from "../../src/engine/drive-task.ts";
import type { LocalActivityRequest, LocalActivityResolution, LocalActivitySink } from "../../src/engine/local-activity-requests.ts";
import { localActivityMarkerOf } from "../../src/engine/markers.ts";
import { isCommandEvent } from "../../src/engine/history/events.ts";
import { WorkflowRun, type WorkflowTaskResult } from "../../src/engine/workflow-run.ts";

type CommandInit = Parameters<typeof create<typeof WorkflowCommandSchema>>[1];

/**
 * A stand-in for workflow code: answers each activation with the commands a
 * function of that activation returns, and records every activation. The
 * same deterministic script must give the same commands task by task and in
 * a full replay, exactly as real workflow code must.
 */
export class ScriptedRuntime implements ActivationRunner {
  readonly activations: WorkflowActivation[] = [];
  constructor(private readonly script: (activation: WorkflowActivation, index: number) => CommandInit[]) {}

  async activate(activation: WorkflowActivation): Promise<WorkflowActivationCompletion> {
    const isEviction = activation.jobs.some((j) => j.variant.case === "removeFromCache");
    const index = this.activations.length;
    if (!isEviction) this.activations.push(activation);
    const commands = isEviction ? [] : this.script(activation, index).map((c) => create(WorkflowCommandSchema, c));
    return create(WorkflowActivationCompletionSchema, { runId: activation.runId, status: { case: "successful", value: { commands } } });
  }
}

export function jobCases(activation: WorkflowActivation): string[] {
  return activation.jobs.map((j) => j.variant.case ?? "");
}

export const cmd = {
  startTimer: (seq: number, seconds = 1): CommandInit => ({ variant: { case: "startTimer", value: { seq, startToFireTimeout: { seconds: BigInt(seconds) } } } }),
  cancelTimer: (seq: number): CommandInit => ({ variant: { case: "cancelTimer", value: { seq } } }),
  scheduleActivity: (seq: number, activityType = "greet", cancellationType = 0, activityId = String(seq)): CommandInit => ({
    variant: { case: "scheduleActivity", value: { seq, activityId, activityType, taskQueue: "q", cancellationType, startToCloseTimeout: { seconds: 10n } } },
  }),
  cancelActivity: (seq: number): CommandInit => ({ variant: { case: "requestCancelActivity", value: { seq } } }),
  complete: (): CommandInit => ({ variant: { case: "completeWorkflowExecution", value: {} } }),
  cancelWorkflow: (): CommandInit => ({ variant: { case: "cancelWorkflowExecution", value: {} } }),
  startChild: (seq: number, workflowId: string, workflowType = "childWorkflow", cancellationType = 1): CommandInit => ({
    variant: { case: "startChildWorkflowExecution", value: { seq, workflowId, workflowType, namespace: "default", taskQueue: "q", cancellationType } },
  }),
  cancelChild: (seq: number): CommandInit => ({ variant: { case: "cancelChildWorkflowExecution", value: { childWorkflowSeq: seq, reason: "stop" } } }),
  signalChild: (seq: number, childWorkflowId: string, signalName = "approve"): CommandInit => ({
    variant: { case: "signalExternalWorkflowExecution", value: { seq, signalName, target: { case: "childWorkflowId", value: childWorkflowId } } },
  }),
  cancelSignal: (seq: number): CommandInit => ({ variant: { case: "cancelSignalWorkflow", value: { seq } } }),
  cancelExternal: (seq: number, workflowId: string): CommandInit => ({
    variant: { case: "requestCancelExternalWorkflowExecution", value: { seq, workflowExecution: { namespace: "default", workflowId } } },
  }),
  continueAsNew: (workflowType = ""): CommandInit => ({ variant: { case: "continueAsNewWorkflowExecution", value: { workflowType } } }),
  upsertSearchAttributes: (): CommandInit => ({ variant: { case: "upsertWorkflowSearchAttributes", value: { searchAttributes: { indexedFields: {} } } } }),
  upsertMemo: (): CommandInit => ({ variant: { case: "modifyWorkflowProperties", value: { upsertedMemo: { fields: {} } } } }),
};

/** Where each workflow task ends: the WorkflowTaskStarted events that were completed, and a last open one. */
export function taskBoundaries(events: readonly HistoryEvent[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.eventType !== EventType.WORKFLOW_TASK_STARTED) continue;
    const next = events[i + 1];
    if (next === undefined || next.eventType === EventType.WORKFLOW_TASK_COMPLETED) out.push(i);
  }
  return out;
}

/** The command types the history recorded after the WorkflowTaskCompleted at index `i`. */
function recordedCommandTypes(events: readonly HistoryEvent[], completedIndex: number): EventType[] {
  const out: EventType[] = [];
  for (let i = completedIndex + 1; i < events.length && isCommandEvent(events[i]!.eventType); i++) out.push(events[i]!.eventType);
  // A ProtocolMessage command does not say which update event it becomes: compare them as one kind.
  return out.map((t) => (t === EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED ? EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED : t));
}

const COMMAND_EVENT: Partial<Record<CommandType, EventType>> = {
  [CommandType.START_TIMER]: EventType.TIMER_STARTED,
  [CommandType.CANCEL_TIMER]: EventType.TIMER_CANCELED,
  [CommandType.SCHEDULE_ACTIVITY_TASK]: EventType.ACTIVITY_TASK_SCHEDULED,
  [CommandType.REQUEST_CANCEL_ACTIVITY_TASK]: EventType.ACTIVITY_TASK_CANCEL_REQUESTED,
  [CommandType.COMPLETE_WORKFLOW_EXECUTION]: EventType.WORKFLOW_EXECUTION_COMPLETED,
  [CommandType.FAIL_WORKFLOW_EXECUTION]: EventType.WORKFLOW_EXECUTION_FAILED,
  [CommandType.CANCEL_WORKFLOW_EXECUTION]: EventType.WORKFLOW_EXECUTION_CANCELED,
  [CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION]: EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  [CommandType.START_CHILD_WORKFLOW_EXECUTION]: EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  [CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION]: EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  [CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION]: EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  [CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  [CommandType.MODIFY_WORKFLOW_PROPERTIES]: EventType.WORKFLOW_PROPERTIES_MODIFIED,
  [CommandType.RECORD_MARKER]: EventType.MARKER_RECORDED,
  [CommandType.PROTOCOL_MESSAGE]: EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
};

/** The command events recorded after the WorkflowTaskCompleted at `completedIndex`. */
function recordedCommands(events: readonly HistoryEvent[], completedIndex: number): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  for (let i = completedIndex + 1; i < events.length && isCommandEvent(events[i]!.eventType); i++) out.push(events[i]!);
  return out;
}

/** The update requests a server would have delivered with a task: those the history shows accepted right after it. */
function updateRequestsFor(recorded: readonly HistoryEvent[]): Message[] {
  const out: Message[] = [];
  for (const e of recorded) {
    if (e.attributes.case !== "workflowExecutionUpdateAcceptedEventAttributes") continue;
    const a = e.attributes.value;
    out.push(
      create(MessageSchema, {
        id: a.acceptedRequestMessageId,
        protocolInstanceId: a.protocolInstanceId,
        sequencingId: { case: "eventId", value: a.acceptedRequestSequencingEventId },
        body: anyPack(RequestSchema, a.acceptedRequest ?? create(RequestSchema)),
      }),
    );
  }
  return out;
}

/**
 * A local activity executor that replays what the history recorded: an
 * activity resolves in the task whose completion recorded its marker, with
 * that marker's outcome; in any other task it is still running, so the task
 * heartbeats (a completion with no commands, as the recorded history shows).
 */
export class RecordedLocalActivities implements LocalActivitySink {
  readonly requests: LocalActivityRequest[] = [];
  private running = new Set<number>();
  private ready: LocalActivityResolution[] = [];

  /** Sets the markers the current task's completion recorded. */
  forTask(recorded: readonly HistoryEvent[], taskStartMs: number): void {
    this.ready = [];
    for (const e of recorded) {
      const marker = localActivityMarkerOf(e);
      if (marker === undefined) continue;
      const { data, outcome } = marker;
      const resolution: LocalActivityResolution = {
        seq: data.seq,
        attempt: data.attempt,
        runtimeMs: data.completeTime ? Math.max(0, timestampMs(data.completeTime) - taskStartMs) : 0,
        outcome: outcome.ok ? { case: "completed", result: outcome.result } : { case: "failed", failure: outcome.failure },
      };
      if (data.backoff) resolution.backoff = data.backoff;
      if (data.originalScheduleTime) resolution.originalScheduleTime = data.originalScheduleTime;
      this.ready.push(resolution);
    }
  }

  dispatch(requests: readonly LocalActivityRequest[]): void {
    this.requests.push(...requests);
    for (const r of requests) if (r.kind === "start") this.running.add(r.command.seq);
  }

  async waitForResolutions(): Promise<LocalActivityResolution[]> {
    const now = this.ready.filter((r) => this.running.has(r.seq));
    this.ready = this.ready.filter((r) => !this.running.has(r.seq));
    for (const r of now) this.running.delete(r.seq);
    return now;
  }
}

function newRun(runId = "run-1") {
  return new WorkflowRun({ runId, workflowId: "wf-1", workflowType: "testWorkflow", sdkName: "temporal-edge-worker", sdkVersion: "0.1.0" });
}

/**
 * Plays the history task by task as a server would hand it to a sticky
 * worker, checking that each task's commands are exactly the command events
 * the history recorded after it. Returns each task's result.
 */
export async function runIncrementally(
  events: readonly HistoryEvent[],
  runtime: ActivationRunner,
  localActivities = new RecordedLocalActivities(),
): Promise<WorkflowTaskResult[]> {
  const run = newRun();
  const results: WorkflowTaskResult[] = [];
  let fed = 0;
  let previousStarted = 0;
  for (const end of taskBoundaries(events)) {
    const recorded = recordedCommands(events, end + 1);
    const started = events[end]!.eventTime;
    localActivities.forTask(recorded, started ? timestampMs(started) : 0);
    const task = { events: events.slice(fed, end + 1), previousStartedEventId: previousStarted, messages: updateRequestsFor(recorded) };
    const result = await driveWorkflowTask(run, runtime, task, { localActivities });
    results.push(result);
    const completed = events[end + 1];
    if (completed !== undefined) {
      assert.equal(result.kind, "completed", `task ending at event ${end + 1}: ${JSON.stringify(result.kind === "failed" ? result.error.message : result.kind)}`);
      if (result.kind === "completed") {
        const sent = result.commands.map((c) => COMMAND_EVENT[c.commandType]);
        assert.deepEqual(sent, recordedCommandTypes(events, end + 1), `commands of the task ending at event ${end + 1}`);
      }
    }
    previousStarted = Number(events[end]!.eventId);
    fed = end + 1;
  }
  return results;
}

/** Replays the whole history in one task, as on a cache miss or in the replayer. */
export async function runFullReplay(events: readonly HistoryEvent[], runtime: ActivationRunner): Promise<WorkflowTaskResult> {
  const boundaries = taskBoundaries(events);
  const lastCompleted = boundaries.filter((i) => events[i + 1] !== undefined).pop();
  return driveWorkflowTask(newRun(), runtime, {
    events,
    previousStartedEventId: lastCompleted === undefined ? 0 : Number(events[lastCompleted]!.eventId),
  });
}

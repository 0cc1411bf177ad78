import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { type HistoryEvent, HistoryEventSchema } from "../../gen/temporal/api/history/v1/message_pb.ts";

type Attributes = HistoryEvent["attributes"];

/**
 * Builds canned histories for engine tests, the way sdk-core's
 * TestHistoryBuilder does: events get consecutive ids and times one second
 * apart, and the builder remembers which event started each timer and
 * activity so completions can point at it.
 */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  private lastScheduledTask = 0n;
  private lastStartedTask = 0n;
  private readonly timers = new Map<number, bigint>();
  private readonly activities = new Map<number, { scheduled: bigint; started: bigint }>();
  private readonly children = new Map<string, { initiated: bigint; started: bigint }>();
  private readonly externals = new Map<number, bigint>();
  private timeMs = Date.UTC(2024, 0, 1);

  constructor(
    readonly workflowType = "testWorkflow",
    readonly runId = "6f1f9a84-5e0c-4c5b-9d2e-0d1c2b3a4f5e",
  ) {}

  add(eventType: EventType, attributes: Attributes): bigint {
    const eventId = BigInt(this.events.length + 1);
    this.timeMs += 1000;
    this.events.push(create(HistoryEventSchema, { eventId, eventType, eventTime: timestampFromMs(this.timeMs), attributes }));
    return eventId;
  }

  /** WorkflowExecutionStarted, then the first workflow task scheduled and started. */
  start(): this {
    this.add(EventType.WORKFLOW_EXECUTION_STARTED, {
      case: "workflowExecutionStartedEventAttributes",
      value: { workflowType: { name: this.workflowType }, originalExecutionRunId: this.runId, firstExecutionRunId: this.runId, attempt: 1, taskQueue: { name: "q" } } as never,
    });
    return this.wftScheduledAndStarted();
  }

  wftScheduledAndStarted(): this {
    this.lastScheduledTask = this.add(EventType.WORKFLOW_TASK_SCHEDULED, { case: "workflowTaskScheduledEventAttributes", value: {} as never });
    this.lastStartedTask = this.add(EventType.WORKFLOW_TASK_STARTED, {
      case: "workflowTaskStartedEventAttributes",
      value: { scheduledEventId: this.lastScheduledTask } as never,
    });
    return this;
  }

  /** WorkflowTaskCompleted of the last started task, with optional sdk metadata. */
  wftCompleted(meta: { coreUsedFlags?: number[]; langUsedFlags?: number[]; sdkName?: string; sdkVersion?: string } = { coreUsedFlags: [1, 2, 3] }): this {
    this.add(EventType.WORKFLOW_TASK_COMPLETED, {
      case: "workflowTaskCompletedEventAttributes",
      value: { scheduledEventId: this.lastScheduledTask, startedEventId: this.lastStartedTask, sdkMetadata: meta } as never,
    });
    return this;
  }

  wftFailed(cause: WorkflowTaskFailedCause, newRunId = ""): this {
    this.add(EventType.WORKFLOW_TASK_FAILED, {
      case: "workflowTaskFailedEventAttributes",
      value: { scheduledEventId: this.lastScheduledTask, startedEventId: this.lastStartedTask, cause, newRunId } as never,
    });
    return this;
  }

  wftTimedOut(): this {
    this.add(EventType.WORKFLOW_TASK_TIMED_OUT, {
      case: "workflowTaskTimedOutEventAttributes",
      value: { scheduledEventId: this.lastScheduledTask, startedEventId: this.lastStartedTask } as never,
    });
    return this;
  }

  timerStarted(seq: number, seconds = 1): this {
    const id = this.add(EventType.TIMER_STARTED, {
      case: "timerStartedEventAttributes",
      value: { timerId: String(seq), startToFireTimeout: { seconds: BigInt(seconds) } } as never,
    });
    this.timers.set(seq, id);
    return this;
  }

  timerFired(seq: number): this {
    this.add(EventType.TIMER_FIRED, { case: "timerFiredEventAttributes", value: { timerId: String(seq), startedEventId: this.timers.get(seq) ?? 0n } as never });
    return this;
  }

  timerCanceled(seq: number): this {
    this.add(EventType.TIMER_CANCELED, { case: "timerCanceledEventAttributes", value: { timerId: String(seq), startedEventId: this.timers.get(seq) ?? 0n } as never });
    return this;
  }

  activityScheduled(seq: number, activityType = "greet", activityId = String(seq)): this {
    const scheduled = this.add(EventType.ACTIVITY_TASK_SCHEDULED, {
      case: "activityTaskScheduledEventAttributes",
      value: { activityId, activityType: { name: activityType }, taskQueue: { name: "q" } } as never,
    });
    this.activities.set(seq, { scheduled, started: 0n });
    return this;
  }

  activityStarted(seq: number): this {
    const a = this.activity(seq);
    a.started = this.add(EventType.ACTIVITY_TASK_STARTED, { case: "activityTaskStartedEventAttributes", value: { scheduledEventId: a.scheduled } as never });
    return this;
  }

  activityCompleted(seq: number, json = '"done"'): this {
    const a = this.activity(seq);
    this.add(EventType.ACTIVITY_TASK_COMPLETED, {
      case: "activityTaskCompletedEventAttributes",
      value: { scheduledEventId: a.scheduled, startedEventId: a.started, result: { payloads: [jsonPayload(json)] } } as never,
    });
    return this;
  }

  activityCancelRequested(seq: number): this {
    this.add(EventType.ACTIVITY_TASK_CANCEL_REQUESTED, {
      case: "activityTaskCancelRequestedEventAttributes",
      value: { scheduledEventId: this.activity(seq).scheduled } as never,
    });
    return this;
  }

  activityCanceled(seq: number): this {
    const a = this.activity(seq);
    this.add(EventType.ACTIVITY_TASK_CANCELED, {
      case: "activityTaskCanceledEventAttributes",
      value: { scheduledEventId: a.scheduled, startedEventId: a.started } as never,
    });
    return this;
  }

  signal(signalName: string): this {
    this.add(EventType.WORKFLOW_EXECUTION_SIGNALED, { case: "workflowExecutionSignaledEventAttributes", value: { signalName } as never });
    return this;
  }

  cancelRequested(cause = "stop"): this {
    this.add(EventType.WORKFLOW_EXECUTION_CANCEL_REQUESTED, { case: "workflowExecutionCancelRequestedEventAttributes", value: { cause } as never });
    return this;
  }

  workflowCompleted(): this {
    this.add(EventType.WORKFLOW_EXECUTION_COMPLETED, { case: "workflowExecutionCompletedEventAttributes", value: {} as never });
    return this;
  }

  workflowCanceled(): this {
    this.add(EventType.WORKFLOW_EXECUTION_CANCELED, { case: "workflowExecutionCanceledEventAttributes", value: {} as never });
    return this;
  }

  childInitiated(workflowId: string, workflowType = "childWorkflow"): this {
    const initiated = this.add(EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED, {
      case: "startChildWorkflowExecutionInitiatedEventAttributes",
      value: { workflowId, workflowType: { name: workflowType }, namespace: "default", taskQueue: { name: "q" } } as never,
    });
    this.children.set(workflowId, { initiated, started: 0n });
    return this;
  }

  childStarted(workflowId: string): this {
    const c = this.child(workflowId);
    c.started = this.add(EventType.CHILD_WORKFLOW_EXECUTION_STARTED, {
      case: "childWorkflowExecutionStartedEventAttributes",
      value: { initiatedEventId: c.initiated, workflowExecution: { workflowId, runId: `${workflowId}-run` }, workflowType: { name: "childWorkflow" } } as never,
    });
    return this;
  }

  childCompleted(workflowId: string, json = '"child done"'): this {
    const c = this.child(workflowId);
    this.add(EventType.CHILD_WORKFLOW_EXECUTION_COMPLETED, {
      case: "childWorkflowExecutionCompletedEventAttributes",
      value: { initiatedEventId: c.initiated, startedEventId: c.started, workflowExecution: { workflowId }, result: { payloads: [jsonPayload(json)] } } as never,
    });
    return this;
  }

  childFailed(workflowId: string, message = "child failed"): this {
    const c = this.child(workflowId);
    this.add(EventType.CHILD_WORKFLOW_EXECUTION_FAILED, {
      case: "childWorkflowExecutionFailedEventAttributes",
      value: { initiatedEventId: c.initiated, startedEventId: c.started, workflowExecution: { workflowId }, failure: { message }, retryState: 5 } as never,
    });
    return this;
  }

  childCanceled(workflowId: string): this {
    const c = this.child(workflowId);
    this.add(EventType.CHILD_WORKFLOW_EXECUTION_CANCELED, {
      case: "childWorkflowExecutionCanceledEventAttributes",
      value: { initiatedEventId: c.initiated, startedEventId: c.started, workflowExecution: { workflowId } } as never,
    });
    return this;
  }

  childStartFailed(workflowId: string): this {
    this.add(EventType.START_CHILD_WORKFLOW_EXECUTION_FAILED, {
      case: "startChildWorkflowExecutionFailedEventAttributes",
      value: { initiatedEventId: this.child(workflowId).initiated, workflowId, cause: 1 } as never,
    });
    return this;
  }

  /** SignalExternalWorkflowExecutionInitiated; `seq` only names it for the builder. */
  signalExternalInitiated(seq: number, workflowId: string, signalName = "approve"): this {
    this.externals.set(
      seq,
      this.add(EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
        case: "signalExternalWorkflowExecutionInitiatedEventAttributes",
        value: { signalName, workflowExecution: { workflowId }, namespace: "default", childWorkflowOnly: true } as never,
      }),
    );
    return this;
  }

  externalSignaled(seq: number): this {
    this.add(EventType.EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
      case: "externalWorkflowExecutionSignaledEventAttributes",
      value: { initiatedEventId: this.externals.get(seq) ?? 0n } as never,
    });
    return this;
  }

  signalExternalFailed(seq: number): this {
    this.add(EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
      case: "signalExternalWorkflowExecutionFailedEventAttributes",
      value: { initiatedEventId: this.externals.get(seq) ?? 0n, cause: 1 } as never,
    });
    return this;
  }

  /** RequestCancelExternalWorkflowExecutionInitiated; `key` only names it for the builder. */
  cancelExternalInitiated(key: number, workflowId: string, childWorkflowOnly = false): this {
    this.externals.set(
      key,
      this.add(EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
        case: "requestCancelExternalWorkflowExecutionInitiatedEventAttributes",
        value: { workflowExecution: { workflowId }, namespace: "default", childWorkflowOnly } as never,
      }),
    );
    return this;
  }

  externalCancelRequested(key: number): this {
    this.add(EventType.EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      case: "externalWorkflowExecutionCancelRequestedEventAttributes",
      value: { initiatedEventId: this.externals.get(key) ?? 0n } as never,
    });
    return this;
  }

  cancelExternalFailed(key: number): this {
    this.add(EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
      case: "requestCancelExternalWorkflowExecutionFailedEventAttributes",
      value: { initiatedEventId: this.externals.get(key) ?? 0n, cause: 1 } as never,
    });
    return this;
  }

  continuedAsNew(workflowType = this.workflowType): this {
    this.add(EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW, {
      case: "workflowExecutionContinuedAsNewEventAttributes",
      value: { workflowType: { name: workflowType }, newExecutionRunId: "next-run" } as never,
    });
    return this;
  }

  searchAttributesUpserted(): this {
    this.add(EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { case: "upsertWorkflowSearchAttributesEventAttributes", value: {} as never });
    return this;
  }

  propertiesModified(): this {
    this.add(EventType.WORKFLOW_PROPERTIES_MODIFIED, { case: "workflowPropertiesModifiedEventAttributes", value: {} as never });
    return this;
  }

  private child(workflowId: string): { initiated: bigint; started: bigint } {
    const c = this.children.get(workflowId);
    if (c === undefined) throw new Error(`history builder: child ${workflowId} was never initiated`);
    return c;
  }

  private activity(seq: number): { scheduled: bigint; started: bigint } {
    const a = this.activities.get(seq);
    if (a === undefined) throw new Error(`history builder: activity ${seq} was never scheduled`);
    return a;
  }
}

export function jsonPayload(json: string) {
  return { metadata: { encoding: new TextEncoder().encode("json/plain") }, data: new TextEncoder().encode(json) };
}

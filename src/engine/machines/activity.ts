import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { ActivityResolutionSchema } from "../../../gen/temporal/sdk/core/activity_result/activity_result_pb.ts";
import { ResolveActivitySchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import {
  ActivityCancellationType,
  type ScheduleActivity,
} from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { CoreFlag } from "../internal-flags.ts";
import { type CommandMachine, type EventContext, type MachineHost, step, type Transitions } from "./machine.ts";

type State =
  | "Created"
  | "ScheduleCommandCreated"
  | "ScheduledEventRecorded"
  | "Started"
  | "ScheduledActivityCancelCommandCreated"
  | "ScheduledActivityCancelEventRecorded"
  | "StartedActivityCancelCommandCreated"
  | "StartedActivityCancelEventRecorded"
  | "Completed"
  | "Failed"
  | "TimedOut"
  | "Canceled";
type Event =
  | "Schedule"
  | "CommandScheduleActivityTask"
  | "ActivityTaskScheduled"
  | "ActivityTaskStarted"
  | "ActivityTaskCompleted"
  | "ActivityTaskFailed"
  | "ActivityTaskTimedOut"
  | "Cancel"
  | "Abandon"
  | "CommandRequestCancelActivityTask"
  | "ActivityTaskCancelRequested"
  | "ActivityTaskCanceled";

/**
 * ```
 * Created --(Schedule)--> ScheduleCommandCreated
 * ScheduleCommandCreated --(ActivityTaskScheduled)--> ScheduledEventRecorded   id and type checked
 * ScheduleCommandCreated --(Cancel | Abandon)--> Canceled                      command dropped, resolved cancelled
 * ScheduledEventRecorded --(ActivityTaskStarted)--> Started
 * ScheduledEventRecorded --(ActivityTaskTimedOut)--> TimedOut
 * ScheduledEventRecorded --(Cancel)--> ScheduledActivityCancelCommandCreated   command RequestCancelActivityTask
 * Started --(ActivityTaskCompleted | Failed | TimedOut)--> Completed | Failed | TimedOut
 * Started --(Cancel)--> StartedActivityCancelCommandCreated                    command RequestCancelActivityTask
 * ScheduledEventRecorded, Started --(Abandon)--> Canceled                      resolved cancelled, no command
 * *CancelCommandCreated --(ActivityTaskCancelRequested)--> *CancelEventRecorded
 * ScheduledActivityCancelEventRecorded --(ActivityTaskStarted)--> StartedActivityCancelEventRecorded
 * *CancelEventRecorded --(Canceled | Completed | Failed | TimedOut)--> terminal  resolved only by WAIT_CANCELLATION_COMPLETED
 * Canceled --(ActivityTaskStarted | ActivityTaskCompleted)--> Canceled         allowed only when abandoned
 * ```
 * TRY_CANCEL resolves the activity as cancelled as soon as it is cancelled;
 * WAIT_CANCELLATION_COMPLETED waits for the recorded outcome; ABANDON sends
 * no request at all.
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "ScheduleCommandCreated" },
  ScheduleCommandCreated: {
    CommandScheduleActivityTask: "ScheduleCommandCreated",
    ActivityTaskScheduled: "ScheduledEventRecorded",
    Cancel: "Canceled",
    Abandon: "Canceled",
  },
  ScheduledEventRecorded: {
    ActivityTaskStarted: "Started",
    ActivityTaskTimedOut: "TimedOut",
    Cancel: "ScheduledActivityCancelCommandCreated",
    Abandon: "Canceled",
  },
  Started: {
    ActivityTaskCompleted: "Completed",
    ActivityTaskFailed: "Failed",
    ActivityTaskTimedOut: "TimedOut",
    Cancel: "StartedActivityCancelCommandCreated",
    Abandon: "Canceled",
  },
  ScheduledActivityCancelCommandCreated: {
    CommandRequestCancelActivityTask: "ScheduledActivityCancelCommandCreated",
    ActivityTaskCancelRequested: "ScheduledActivityCancelEventRecorded",
  },
  ScheduledActivityCancelEventRecorded: {
    ActivityTaskCanceled: "Canceled",
    ActivityTaskStarted: "StartedActivityCancelEventRecorded",
    ActivityTaskTimedOut: "TimedOut",
  },
  StartedActivityCancelCommandCreated: {
    CommandRequestCancelActivityTask: "StartedActivityCancelCommandCreated",
    ActivityTaskCancelRequested: "StartedActivityCancelEventRecorded",
  },
  StartedActivityCancelEventRecorded: {
    ActivityTaskFailed: "Failed",
    ActivityTaskCompleted: "Completed",
    ActivityTaskTimedOut: "TimedOut",
    ActivityTaskCanceled: "Canceled",
  },
  Canceled: { ActivityTaskStarted: "Canceled", ActivityTaskCompleted: "Canceled" },
};

const EVENT_NAMES: Partial<Record<EventType, Event>> = {
  [EventType.ACTIVITY_TASK_SCHEDULED]: "ActivityTaskScheduled",
  [EventType.ACTIVITY_TASK_STARTED]: "ActivityTaskStarted",
  [EventType.ACTIVITY_TASK_COMPLETED]: "ActivityTaskCompleted",
  [EventType.ACTIVITY_TASK_FAILED]: "ActivityTaskFailed",
  [EventType.ACTIVITY_TASK_TIMED_OUT]: "ActivityTaskTimedOut",
  [EventType.ACTIVITY_TASK_CANCEL_REQUESTED]: "ActivityTaskCancelRequested",
  [EventType.ACTIVITY_TASK_CANCELED]: "ActivityTaskCanceled",
};

/** The activity machine. The activity id is the one the workflow code chose (by default its seq). */
export class ActivityMachine implements CommandMachine {
  state: State = "Created";
  readonly command: Command;
  private cancelledEarly = false;
  private scheduledEventId = 0n;
  private readonly cancellationType: ActivityCancellationType;

  constructor(
    private readonly host: MachineHost,
    private readonly attrs: ScheduleActivity,
  ) {
    this.state = step(transitions, "Activity", this.state, "Schedule");
    this.cancellationType = attrs.cancellationType;
    this.command = create(CommandSchema, {
      commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
      attributes: {
        case: "scheduleActivityTaskCommandAttributes",
        value: {
          activityId: attrs.activityId,
          activityType: { name: attrs.activityType },
          taskQueue: { name: attrs.taskQueue, kind: 1 },
          header: { fields: attrs.headers },
          input: attrs.arguments.length > 0 ? { payloads: attrs.arguments } : undefined,
          scheduleToCloseTimeout: attrs.scheduleToCloseTimeout,
          scheduleToStartTimeout: attrs.scheduleToStartTimeout,
          startToCloseTimeout: attrs.startToCloseTimeout,
          heartbeatTimeout: attrs.heartbeatTimeout,
          retryPolicy: attrs.retryPolicy,
          requestEagerExecution: !attrs.doNotEagerlyExecute,
          priority: attrs.priority,
        },
      },
    });
  }

  describe(): string {
    return `ScheduleActivityTask(seq ${this.attrs.seq}, type "${this.attrs.activityType}", id "${this.attrs.activityId}")`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.SCHEDULE_ACTIVITY_TASK) this.move("CommandScheduleActivityTask");
    else if (type === CommandType.REQUEST_CANCEL_ACTIVITY_TASK) this.move("CommandRequestCancelActivityTask");
  }

  handleEvent(event: HistoryEvent, ctx: EventContext): void {
    const name = EVENT_NAMES[event.eventType];
    if (name === undefined) throw new MachineMismatch(`an activity does not take ${eventTypeName(event.eventType)}`);
    const before = this.state;
    const a = event.attributes;
    if (a.case === "activityTaskScheduledEventAttributes" && this.host.tryUseFlag(CoreFlag.IdAndTypeDeterminismChecks, ctx.isLastTask)) {
      if (a.value.activityId !== this.attrs.activityId) {
        throw new MachineMismatch(`activity id of the scheduled event "${a.value.activityId}" differs from the command's "${this.attrs.activityId}"`);
      }
      const type = a.value.activityType?.name ?? "";
      if (type !== this.attrs.activityType) {
        throw new MachineMismatch(`activity type of the scheduled event "${type}" differs from the command's "${this.attrs.activityType}"`);
      }
    }
    if (before === "Canceled" && this.cancellationType !== ActivityCancellationType.ABANDON) {
      throw new MachineMismatch(`activity seq ${this.attrs.seq} was cancelled (${ActivityCancellationType[this.cancellationType]}) but history has ${name}`);
    }
    this.move(name);
    if (a.case === "activityTaskScheduledEventAttributes") {
      this.scheduledEventId = event.eventId;
      return;
    }
    if (before === "Canceled") return;
    const waitsForOutcome = this.cancellationType === ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
    const afterCancelRequest = before === "ScheduledActivityCancelEventRecorded" || before === "StartedActivityCancelEventRecorded";
    // With TRY_CANCEL the workflow code already saw the cancellation; later outcomes are not news.
    if (afterCancelRequest && !waitsForOutcome) return;
    switch (a.case) {
      case "activityTaskCompletedEventAttributes":
        this.resolve({ case: "completed", value: { result: a.value.result?.payloads[0] } });
        return;
      case "activityTaskFailedEventAttributes":
        this.resolve({
          case: "failed",
          value: {
            failure: this.activityFailure("Activity task failed", a.value.failure, a.value.retryState, a.value.identity, a.value.startedEventId),
          },
        });
        return;
      case "activityTaskTimedOutEventAttributes":
        this.resolve({
          case: "failed",
          value: { failure: this.activityFailure("Activity task timed out", a.value.failure, a.value.retryState, "", a.value.startedEventId) },
        });
        return;
      case "activityTaskCanceledEventAttributes":
        this.resolve({
          case: "cancelled",
          value: { failure: this.cancelFailure(a.value.details?.payloads, a.value.identity, a.value.startedEventId) },
        });
        return;
      default:
        return;
    }
  }

  /** RequestCancelActivity from the workflow code. */
  cancel(): void {
    if (this.isFinal()) return;
    const before = this.state;
    if (this.cancellationType === ActivityCancellationType.ABANDON) {
      this.move("Abandon");
      if (before === "ScheduleCommandCreated") this.cancelledEarly = true;
      this.resolveCancelled();
      return;
    }
    this.move("Cancel");
    if (before === "ScheduleCommandCreated") {
      this.cancelledEarly = true;
      this.resolveCancelled();
      return;
    }
    this.host.issueCommand(
      this,
      create(CommandSchema, {
        commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK,
        attributes: { case: "requestCancelActivityTaskCommandAttributes", value: { scheduledEventId: this.scheduledEventId } },
      }),
    );
    if (this.cancellationType !== ActivityCancellationType.WAIT_CANCELLATION_COMPLETED) this.resolveCancelled();
  }

  isFinal(): boolean {
    return this.state === "Completed" || this.state === "Failed" || this.state === "TimedOut" || this.state === "Canceled";
  }

  cancelledBeforeSent(): boolean {
    return this.cancelledEarly;
  }

  private move(event: Event): void {
    this.state = step(transitions, "Activity", this.state, event);
  }

  private resolveCancelled(): void {
    this.resolve({ case: "cancelled", value: { failure: this.cancelFailure(undefined, "", 0n) } });
  }

  private resolve(status: ResolutionStatus): void {
    this.host.pushJob({
      case: "resolveActivity",
      value: create(ResolveActivitySchema, {
        seq: this.attrs.seq,
        result: create(ActivityResolutionSchema, { status } as never),
        isLocal: false,
      }),
    });
  }

  /** An ActivityFailure wrapping the cause, as sdk-core builds it for the workflow code. */
  private activityFailure(message: string, cause: Failure | undefined, retryState: RetryState, identity: string, startedEventId: bigint): Failure {
    return create(FailureSchema, {
      message,
      cause,
      failureInfo: {
        case: "activityFailureInfo",
        value: {
          activityType: { name: this.attrs.activityType },
          activityId: this.attrs.activityId,
          identity,
          retryState,
          startedEventId,
          scheduledEventId: this.scheduledEventId,
        },
      },
    });
  }

  private cancelFailure(details: Payload[] | undefined, identity: string, startedEventId: bigint): Failure {
    const cause = create(FailureSchema, {
      failureInfo: { case: "canceledFailureInfo", value: { details: details ? { payloads: details } : undefined } },
    });
    return create(FailureSchema, {
      message: "Activity cancelled",
      cause,
      failureInfo: {
        case: "activityFailureInfo",
        value: {
          activityType: { name: this.attrs.activityType },
          activityId: this.attrs.activityId,
          identity,
          retryState: RetryState.CANCEL_REQUESTED,
          startedEventId,
          scheduledEventId: this.scheduledEventId,
        },
      },
    });
  }
}

type ResolutionStatus =
  | { case: "completed"; value: { result: Payload | undefined } }
  | { case: "failed"; value: { failure: Failure } }
  | { case: "cancelled"; value: { failure: Failure } };

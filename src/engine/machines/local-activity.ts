import { create } from "@bufbuild/protobuf";
import { type Duration, type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { UserMetadata } from "../../../gen/temporal/api/sdk/v1/user_metadata_pb.ts";
import { ActivityResolutionSchema } from "../../../gen/temporal/sdk/core/activity_result/activity_result_pb.ts";
import { ResolveActivitySchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { ActivityCancellationType, type ScheduleLocalActivity } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { CoreFlag } from "../internal-flags.ts";
import type { LocalActivityOutcome } from "../local-activity-requests.ts";
import { LOCAL_ACTIVITY_MARKER_NAME, type LocalActivityMarker, localActivityMarkerDetails, localActivityMarkerOf } from "../markers.ts";
import { type CommandMachine, type EventContext, type MachineHost, step, type Transitions } from "./machine.ts";

type State =
  | "Executing"
  | "Replaying"
  | "ReplayingPreResolved"
  | "RequestSent"
  | "MarkerCommandCreated"
  | "ResultNotified"
  | "MarkerCommandRecorded"
  | "WaitingMarkerEvent"
  | "WaitingMarkerEventPreResolved";
type Event = "Schedule" | "HandleResult" | "HandleKnownResult" | "Cancel" | "NoWaitCancel" | "CommandRecordMarker" | "MarkerRecorded" | "StartedNonReplayWFT";

/**
 * One local activity, after sdk-core's local activity machine. Executing, it
 * asks the worker to run the activity and, once resolved, records a
 * `core_local_activity` marker. Replaying, it never runs: the marker in
 * history resolves it (found ahead of time by lookahead when possible).
 * ```
 * Executing --(Schedule)--> RequestSent                           request queued for the executor
 * Replaying --(Schedule)--> WaitingMarkerEvent
 * ReplayingPreResolved --(Schedule)--> WaitingMarkerEventPreResolved   resolved at once (marker seen ahead)
 * RequestSent --(HandleResult)--> MarkerCommandCreated            job ResolveActivity, command RecordMarker
 * RequestSent --(Cancel)--> RequestSent                           WAIT_CANCELLATION_COMPLETED: cancel sent, wait for the result
 * RequestSent --(NoWaitCancel)--> MarkerCommandCreated            TRY_CANCEL / ABANDON: resolved cancelled at once
 * MarkerCommandCreated --(CommandRecordMarker)--> ResultNotified
 * ResultNotified --(MarkerRecorded)--> MarkerCommandRecorded      outcome, seq, id and type checked
 * WaitingMarkerEvent --(MarkerRecorded)--> MarkerCommandRecorded  job ResolveActivity unless already resolved
 * WaitingMarkerEvent --(HandleKnownResult)--> WaitingMarkerEvent  resolved from a marker seen ahead
 * WaitingMarkerEvent --(Cancel | NoWaitCancel)--> WaitingMarkerEvent   the marker still decides
 * WaitingMarkerEvent --(StartedNonReplayWFT)--> RequestSent       history has no marker: run it now
 * WaitingMarkerEventPreResolved --(MarkerRecorded)--> MarkerCommandRecorded
 * WaitingMarkerEventPreResolved, MarkerCommandRecorded --(Cancel | NoWaitCancel)--> unchanged
 * MarkerCommandCreated, ResultNotified, MarkerCommandRecorded --(HandleResult)--> unchanged   late results ignored
 * ```
 */
const transitions: Transitions<State, Event> = {
  Executing: { Schedule: "RequestSent" },
  Replaying: { Schedule: "WaitingMarkerEvent" },
  ReplayingPreResolved: { Schedule: "WaitingMarkerEventPreResolved" },
  RequestSent: { HandleResult: "MarkerCommandCreated", Cancel: "RequestSent", NoWaitCancel: "MarkerCommandCreated" },
  MarkerCommandCreated: { CommandRecordMarker: "ResultNotified", HandleResult: "MarkerCommandCreated" },
  ResultNotified: { MarkerRecorded: "MarkerCommandRecorded", HandleResult: "ResultNotified" },
  WaitingMarkerEvent: {
    MarkerRecorded: "MarkerCommandRecorded",
    Cancel: "WaitingMarkerEvent",
    HandleKnownResult: "WaitingMarkerEvent",
    NoWaitCancel: "WaitingMarkerEvent",
    StartedNonReplayWFT: "RequestSent",
  },
  WaitingMarkerEventPreResolved: { MarkerRecorded: "MarkerCommandRecorded", Cancel: "WaitingMarkerEventPreResolved", NoWaitCancel: "WaitingMarkerEventPreResolved" },
  MarkerCommandRecorded: { Cancel: "MarkerCommandRecorded", NoWaitCancel: "MarkerCommandRecorded", HandleResult: "MarkerCommandRecorded" },
};

/** A local activity's resolution, from the executor or from a marker. */
export interface ResolveData {
  outcome: LocalActivityOutcome;
  completeTime: Timestamp | undefined;
  attempt: number;
  backoff: Duration | undefined;
  originalScheduleTime: Timestamp | undefined;
}

/** What the local activity machine asks of the run beyond other machines. */
export interface LocalActivityHost extends MachineHost {
  /** Queues the activity for the executor. */
  queueLocalActivity(command: ScheduleLocalActivity): void;
  /** Cancels it wherever it is: resolved ahead, still queued, or running. */
  requestCancelLocalActivity(machine: LocalActivityMachine): void;
  /** Forgets an abandoned activity, so it no longer holds the task open. */
  abandonLocalActivity(seq: number): void;
  /** Workflow time moves to the activity's completion time, if later. */
  advanceTime(ms: number): void;
}

export function resolveDataFromMarker(marker: LocalActivityMarker): ResolveData {
  const { data, outcome } = marker;
  let resolved: LocalActivityOutcome;
  if (outcome.ok) resolved = { case: "completed", result: outcome.result };
  else if (isCancellation(outcome.failure)) resolved = { case: "cancelled", failure: outcome.failure };
  else resolved = { case: "failed", failure: outcome.failure };
  return { outcome: resolved, completeTime: data.completeTime, attempt: data.attempt, backoff: data.backoff, originalScheduleTime: data.originalScheduleTime };
}

function isCancellation(f: Failure): boolean {
  return f.failureInfo.case === "canceledFailureInfo" || f.cause?.failureInfo.case === "canceledFailureInfo";
}

export class LocalActivityMachine implements CommandMachine {
  state: State;
  /** The RecordMarker command, once the activity resolved while executing. */
  command: Command | undefined;
  private replayingWhenInvoked: boolean;
  private alreadyResolved = false;
  /** How it resolved while executing, checked against the recorded marker. */
  private resultType: "completed" | "failed" | "cancelled" | undefined;

  constructor(
    private readonly host: LocalActivityHost,
    readonly attrs: ScheduleLocalActivity,
    replaying: boolean,
    preResolved: ResolveData | undefined,
    private readonly workflowTimeMs: number | undefined,
    private readonly userMetadata: UserMetadata | undefined,
  ) {
    this.replayingWhenInvoked = replaying;
    if (!replaying && preResolved !== undefined) {
      throw new MachineMismatch(`local activity seq ${attrs.seq} was resolved from history while the workflow is not replaying`);
    }
    const initial: State = replaying ? (preResolved !== undefined ? "ReplayingPreResolved" : "Replaying") : "Executing";
    this.state = step(transitions, "LocalActivity", initial, "Schedule");
    if (initial === "Executing") host.queueLocalActivity(attrs);
    else if (preResolved !== undefined) this.resolve(preResolved);
  }

  get seq(): number {
    return this.attrs.seq;
  }

  describe(): string {
    return `LocalActivity(seq ${this.attrs.seq}, type "${this.attrs.activityType}", id "${this.attrs.activityId}")`;
  }

  /** A marker event must go straight to this machine instead of matching a command. */
  takesMarkerDirectly(): boolean {
    return this.state === "WaitingMarkerEvent" || this.state === "WaitingMarkerEventPreResolved";
  }

  /** Whether a marker seen ahead can resolve it now. */
  acceptsKnownResult(): boolean {
    return this.state === "WaitingMarkerEvent";
  }

  /** The executor's result. */
  handleResult(data: ResolveData): void {
    const before = this.state;
    this.move("HandleResult");
    if (before === "RequestSent") this.resolve(data);
  }

  /** A result read from a marker ahead of its event. */
  handleKnownResult(data: ResolveData): void {
    this.move("HandleKnownResult");
    this.alreadyResolved = true;
    this.resolve(data);
  }

  /** A task that is new work started while this one still waited for its marker: history will never have it. */
  startedNonReplayTask(): void {
    if (this.state !== "WaitingMarkerEvent") return;
    this.move("StartedNonReplayWFT");
    this.replayingWhenInvoked = false;
    this.host.queueLocalActivity(this.attrs);
  }

  /** RequestCancelLocalActivity from the workflow code. */
  cancel(): void {
    const type = this.attrs.cancellationType;
    const noWait = type === ActivityCancellationType.TRY_CANCEL || type === ActivityCancellationType.ABANDON;
    const before = this.state;
    this.move(noWait ? "NoWaitCancel" : "Cancel");
    switch (before) {
      case "RequestSent":
        if (!noWait) {
          this.host.requestCancelLocalActivity(this);
          return;
        }
        if (type === ActivityCancellationType.TRY_CANCEL) this.host.requestCancelLocalActivity(this);
        this.resolve({
          outcome: { case: "cancelled", failure: emptyCancel() },
          // No completion time: a cancel does not move workflow time.
          completeTime: undefined,
          attempt: this.attrs.attempt,
          backoff: undefined,
          originalScheduleTime: this.attrs.originalScheduleTime,
        });
        return;
      case "WaitingMarkerEvent":
        this.host.requestCancelLocalActivity(this);
        return;
      case "MarkerCommandRecorded":
        // A failed attempt may be backing off in the executor: tell it to stop.
        if (!noWait || type === ActivityCancellationType.TRY_CANCEL) this.host.requestCancelLocalActivity(this);
        return;
      default:
        return;
    }
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.RECORD_MARKER) this.move("CommandRecordMarker");
  }

  handleEvent(event: HistoryEvent, _ctx: EventContext): void {
    const marker = localActivityMarkerOf(event);
    if (marker === undefined) throw new MachineMismatch("a local activity takes only a readable core_local_activity marker");
    const data = resolveDataFromMarker(marker);
    const before = this.state;
    if (before === "ResultNotified") this.checkOutcome(data);
    this.checkIdentity(marker);
    this.move("MarkerRecorded");
    if (before === "WaitingMarkerEvent" && !this.alreadyResolved) this.resolve(data);
  }

  isFinal(): boolean {
    return this.state === "MarkerCommandRecorded";
  }

  cancelledBeforeSent(): boolean {
    // A cancel marker must still be recorded, and a same-task cancel creates no command at all.
    return false;
  }

  private checkOutcome(data: ResolveData): void {
    if (this.resultType === "completed" && data.outcome.case !== "completed") {
      throw new MachineMismatch(`local activity seq ${this.attrs.seq} completed here, but history says it failed`);
    }
    if (this.resultType === "failed" && data.outcome.case === "completed") {
      throw new MachineMismatch(`local activity seq ${this.attrs.seq} failed here, but history says it completed`);
    }
  }

  private checkIdentity(marker: LocalActivityMarker): void {
    if (marker.data.seq !== this.attrs.seq) {
      throw new MachineMismatch(`the marker is for local activity seq ${marker.data.seq}, the command's seq is ${this.attrs.seq}`);
    }
    // Whether the checks apply depends on when the activity was first scheduled, not on now (always replaying here).
    if (!this.host.tryUseFlag(CoreFlag.IdAndTypeDeterminismChecks, !this.replayingWhenInvoked)) return;
    if (marker.data.activityId !== this.attrs.activityId) {
      throw new MachineMismatch(`the marker's activity id "${marker.data.activityId}" differs from the command's "${this.attrs.activityId}"`);
    }
    if (marker.data.activityType !== this.attrs.activityType) {
      throw new MachineMismatch(`the marker's activity type "${marker.data.activityType}" differs from the command's "${this.attrs.activityType}"`);
    }
  }

  private resolve(data: ResolveData): void {
    const { outcome } = data;
    this.resultType = outcome.case === "completed" ? "completed" : outcome.case === "cancelled" ? "cancelled" : "failed";
    const markerFailure = outcome.case === "completed" ? undefined : outcome.failure;
    this.host.pushJob({
      case: "resolveActivity",
      value: create(ResolveActivitySchema, { seq: this.attrs.seq, result: create(ActivityResolutionSchema, { status: this.status(data) } as never), isLocal: true }),
    });
    if (data.completeTime !== undefined) this.host.advanceTime(timestampMs(data.completeTime));
    const willNotRunAgain = outcome.case === "cancelled" || outcome.case === "timedOut";
    if (willNotRunAgain && this.attrs.cancellationType === ActivityCancellationType.ABANDON) this.host.abandonLocalActivity(this.attrs.seq);
    if (this.replayingWhenInvoked) return;
    const command = create(CommandSchema, {
      commandType: CommandType.RECORD_MARKER,
      attributes: {
        case: "recordMarkerCommandAttributes",
        value: {
          markerName: LOCAL_ACTIVITY_MARKER_NAME,
          details: localActivityMarkerDetails(
            {
              seq: this.attrs.seq,
              attempt: data.attempt,
              activityId: this.attrs.activityId,
              activityType: this.attrs.activityType,
              completeTime: data.completeTime,
              backoff: data.backoff,
              originalScheduleTime: data.originalScheduleTime,
            },
            outcome.case === "completed" ? outcome.result : undefined,
          ),
          failure: markerFailure,
        },
      },
    });
    if (this.userMetadata !== undefined) command.userMetadata = this.userMetadata;
    this.command = command;
    this.host.issueCommand(this, command);
  }

  private status(data: ResolveData) {
    const { outcome } = data;
    if (data.backoff !== undefined) {
      return { case: "backoff", value: { attempt: data.attempt + 1, backoffDuration: data.backoff, originalScheduleTime: data.originalScheduleTime } } as const;
    }
    switch (outcome.case) {
      case "completed":
        return { case: "completed", value: { result: outcome.result } } as const;
      case "failed":
        return { case: "failed", value: { failure: outcome.failure } } as const;
      case "timedOut":
        return { case: "failed", value: { failure: this.wrap(outcome.failure, "timeoutFailureInfo", "Local Activity timed out") } } as const;
      case "cancelled":
        return { case: "cancelled", value: { failure: this.wrap(outcome.failure, "canceledFailureInfo", "Local Activity cancelled") } } as const;
    }
  }

  /** As sdk-core: a bare timeout or cancellation reaches the workflow code inside an ActivityFailure. */
  private wrap(failure: Failure, info: "timeoutFailureInfo" | "canceledFailureInfo", message: string): Failure {
    if (failure.failureInfo.case !== info) return failure;
    return create(FailureSchema, {
      message,
      cause: failure,
      failureInfo: {
        case: "activityFailureInfo",
        value: {
          activityType: { name: this.attrs.activityType },
          activityId: this.attrs.activityId,
          retryState: RetryState.CANCEL_REQUESTED,
        },
      },
    });
  }

  private move(event: Event): void {
    this.state = step(transitions, "LocalActivity", this.state, event);
  }

  /** The workflow time at scheduling plus the runtime: the "perceived" completion time recorded in the marker. */
  completeTimeAfter(runtimeMs: number): number | undefined {
    return this.workflowTimeMs === undefined ? undefined : this.workflowTimeMs + runtimeMs;
  }
}

function emptyCancel(): Failure {
  return create(FailureSchema, { message: "Activity cancelled", failureInfo: { case: "canceledFailureInfo", value: {} } });
}


import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { TimeoutType } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { ChildWorkflowCancellationType } from "../../../gen/temporal/sdk/core/child_workflow/child_workflow_pb.ts";
import {
  ResolveChildWorkflowExecutionSchema,
  ResolveChildWorkflowExecutionStartSchema,
} from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { StartChildWorkflowExecution } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { CoreFlag } from "../internal-flags.ts";
import { type CommandMachine, type EventContext, type MachineHost, step, type Transitions } from "./machine.ts";

type State = "Created" | "StartCommandCreated" | "StartEventRecorded" | "Started" | "StartFailed" | "Completed" | "Failed" | "TimedOut" | "Terminated" | "Cancelled";
type Event =
  | "Schedule"
  | "CommandStartChildWorkflowExecution"
  | "StartChildWorkflowExecutionInitiated"
  | "StartChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionStarted"
  | "ChildWorkflowExecutionCompleted"
  | "ChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionTimedOut"
  | "ChildWorkflowExecutionTerminated"
  | "ChildWorkflowExecutionCanceled"
  | "Cancel"
  | "CancelAndWait"
  | "CommandRequestCancelExternal";

/**
 * ```
 * Created --(Schedule)--> StartCommandCreated
 * StartCommandCreated --(CommandStartChildWorkflowExecution)--> StartCommandCreated
 * StartCommandCreated --(StartChildWorkflowExecutionInitiated)--> StartEventRecorded   id and type checked
 * StartCommandCreated --(Cancel)--> Cancelled              command dropped, start resolved cancelled
 * StartEventRecorded --(ChildWorkflowExecutionStarted)--> Started          job ResolveChildWorkflowExecutionStart(succeeded)
 * StartEventRecorded --(StartChildWorkflowExecutionFailed)--> StartFailed  job ResolveChildWorkflowExecutionStart(failed)
 * Started --(ChildWorkflowExecution{Completed|Failed|TimedOut|Terminated|Canceled})--> terminal   job ResolveChildWorkflowExecution
 * Started --(Cancel)--> Cancelled          ABANDON (no command) and TRY_CANCEL (RequestCancelExternal) resolve at once
 * Started --(CancelAndWait)--> Started     WAIT_CANCELLATION_*: RequestCancelExternal, then wait for the outcome
 * Started --(CommandRequestCancelExternal)--> Started
 * Cancelled --(any outcome)--> Cancelled   only an abandoned child may still complete, fail, time out or be terminated
 * terminal --(Cancel)--> unchanged
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "StartCommandCreated" },
  StartCommandCreated: { CommandStartChildWorkflowExecution: "StartCommandCreated", StartChildWorkflowExecutionInitiated: "StartEventRecorded", Cancel: "Cancelled" },
  StartEventRecorded: { ChildWorkflowExecutionStarted: "Started", StartChildWorkflowExecutionFailed: "StartFailed" },
  Started: {
    ChildWorkflowExecutionCompleted: "Completed",
    ChildWorkflowExecutionFailed: "Failed",
    ChildWorkflowExecutionTimedOut: "TimedOut",
    ChildWorkflowExecutionTerminated: "Terminated",
    ChildWorkflowExecutionCanceled: "Cancelled",
    Cancel: "Cancelled",
    CancelAndWait: "Started",
    CommandRequestCancelExternal: "Started",
  },
  Cancelled: {
    Cancel: "Cancelled",
    CommandRequestCancelExternal: "Cancelled",
    ChildWorkflowExecutionCanceled: "Cancelled",
    ChildWorkflowExecutionCompleted: "Cancelled",
    ChildWorkflowExecutionFailed: "Cancelled",
    ChildWorkflowExecutionTimedOut: "Cancelled",
    ChildWorkflowExecutionTerminated: "Cancelled",
  },
  StartFailed: { Cancel: "StartFailed" },
  Completed: { Cancel: "Completed" },
  Failed: { Cancel: "Failed" },
  TimedOut: { Cancel: "TimedOut" },
  Terminated: { Cancel: "Terminated" },
};

const EVENT_NAMES: Partial<Record<EventType, Event>> = {
  [EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED]: "StartChildWorkflowExecutionInitiated",
  [EventType.START_CHILD_WORKFLOW_EXECUTION_FAILED]: "StartChildWorkflowExecutionFailed",
  [EventType.CHILD_WORKFLOW_EXECUTION_STARTED]: "ChildWorkflowExecutionStarted",
  [EventType.CHILD_WORKFLOW_EXECUTION_COMPLETED]: "ChildWorkflowExecutionCompleted",
  [EventType.CHILD_WORKFLOW_EXECUTION_FAILED]: "ChildWorkflowExecutionFailed",
  [EventType.CHILD_WORKFLOW_EXECUTION_TIMED_OUT]: "ChildWorkflowExecutionTimedOut",
  [EventType.CHILD_WORKFLOW_EXECUTION_TERMINATED]: "ChildWorkflowExecutionTerminated",
  [EventType.CHILD_WORKFLOW_EXECUTION_CANCELED]: "ChildWorkflowExecutionCanceled",
};

type ChildResult =
  | { case: "completed"; value: { result: Payload | undefined } }
  | { case: "failed"; value: { failure: Failure } }
  | { case: "cancelled"; value: { failure: Failure } };

/**
 * A child workflow. Cancelling a started child sends RequestCancelExternal
 * (childWorkflowOnly) on its behalf, as sdk-core does; the events recording
 * that request belong to this machine too.
 */
export class ChildWorkflowMachine implements CommandMachine {
  state: State = "Created";
  readonly command: Command;
  private cancelledEarly = false;
  private initiatedEventId = 0n;
  private startedEventId = 0n;
  private runId = "";
  private cancelSeen = false;
  /** A RequestCancelExternal for this child whose events have not all been applied yet. */
  private cancelRequestOpen = false;

  constructor(
    private readonly host: MachineHost,
    private readonly attrs: StartChildWorkflowExecution,
  ) {
    this.state = step(transitions, "ChildWorkflow", this.state, "Schedule");
    this.command = create(CommandSchema, {
      commandType: CommandType.START_CHILD_WORKFLOW_EXECUTION,
      attributes: {
        case: "startChildWorkflowExecutionCommandAttributes",
        value: {
          namespace: attrs.namespace,
          workflowId: attrs.workflowId,
          workflowType: { name: attrs.workflowType },
          taskQueue: { name: attrs.taskQueue, kind: 1 },
          input: attrs.input.length > 0 ? { payloads: attrs.input } : undefined,
          workflowExecutionTimeout: attrs.workflowExecutionTimeout,
          workflowRunTimeout: attrs.workflowRunTimeout,
          workflowTaskTimeout: attrs.workflowTaskTimeout,
          // The core and API enums number parent close policies alike.
          parentClosePolicy: attrs.parentClosePolicy as number,
          workflowIdReusePolicy: attrs.workflowIdReusePolicy,
          retryPolicy: attrs.retryPolicy,
          cronSchedule: attrs.cronSchedule,
          header: Object.keys(attrs.headers).length > 0 ? { fields: attrs.headers } : undefined,
          memo: Object.keys(attrs.memo).length > 0 ? { fields: attrs.memo } : undefined,
          searchAttributes: attrs.searchAttributes,
          priority: attrs.priority,
        },
      },
    });
  }

  describe(): string {
    return `StartChildWorkflowExecution(seq ${this.attrs.seq}, type "${this.attrs.workflowType}", id "${this.attrs.workflowId}")`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.START_CHILD_WORKFLOW_EXECUTION) this.move("CommandStartChildWorkflowExecution");
    else if (type === CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION) this.move("CommandRequestCancelExternal");
  }

  handleEvent(event: HistoryEvent, ctx: EventContext): void {
    const a = event.attributes;
    switch (a.case) {
      case "requestCancelExternalWorkflowExecutionInitiatedEventAttributes":
        return;
      case "externalWorkflowExecutionCancelRequestedEventAttributes":
      case "requestCancelExternalWorkflowExecutionFailedEventAttributes":
        this.cancelRequestOpen = false;
        return;
      default:
        break;
    }
    const name = EVENT_NAMES[event.eventType];
    if (name === undefined) throw new MachineMismatch(`a child workflow does not take ${eventTypeName(event.eventType)}`);
    const before = this.state;
    this.move(name);
    if (before === "Cancelled" && name !== "ChildWorkflowExecutionCanceled" && this.attrs.cancellationType !== ChildWorkflowCancellationType.ABANDON) {
      throw new MachineMismatch("child workflows which don't have the ABANDON cancellation type cannot complete after being cancelled");
    }
    switch (a.case) {
      case "startChildWorkflowExecutionInitiatedEventAttributes":
        if (this.host.tryUseFlag(CoreFlag.IdAndTypeDeterminismChecks, ctx.isLastTask)) {
          if (a.value.workflowId !== this.attrs.workflowId) {
            throw new MachineMismatch(`child workflow id of the initiated event "${a.value.workflowId}" differs from the command's "${this.attrs.workflowId}"`);
          }
          const type = a.value.workflowType?.name ?? "";
          if (type !== this.attrs.workflowType) {
            throw new MachineMismatch(`child workflow type of the initiated event "${type}" differs from the command's "${this.attrs.workflowType}"`);
          }
        }
        this.initiatedEventId = event.eventId;
        return;
      case "childWorkflowExecutionStartedEventAttributes":
        this.startedEventId = event.eventId;
        this.runId = a.value.workflowExecution?.runId ?? "";
        this.resolveStart({ case: "succeeded", value: { runId: this.runId } });
        return;
      case "startChildWorkflowExecutionFailedEventAttributes":
        this.resolveStart({ case: "failed", value: { workflowId: this.attrs.workflowId, workflowType: this.attrs.workflowType, cause: a.value.cause as number } });
        return;
      default:
        break;
    }
    if (before === "Cancelled") {
      if (name === "ChildWorkflowExecutionCanceled" && this.cancelSeen) {
        throw new MachineMismatch("the child workflow was already recorded as cancelled");
      }
      this.cancelSeen ||= name === "ChildWorkflowExecutionCanceled";
      return;
    }
    switch (a.case) {
      case "childWorkflowExecutionCompletedEventAttributes":
        this.resolve({ case: "completed", value: { result: a.value.result?.payloads[0] } });
        return;
      case "childWorkflowExecutionFailedEventAttributes":
        this.resolve({ case: "failed", value: { failure: this.failure("Child Workflow execution failed", a.value.retryState, a.value.failure) } });
        return;
      case "childWorkflowExecutionTimedOutEventAttributes":
        this.resolve({
          case: "failed",
          value: {
            failure: this.failure(
              "Child Workflow execution timed out",
              a.value.retryState,
              create(FailureSchema, { message: "Timed out", failureInfo: { case: "timeoutFailureInfo", value: { timeoutType: TimeoutType.START_TO_CLOSE } } }),
            ),
          },
        });
        return;
      case "childWorkflowExecutionTerminatedEventAttributes":
        this.resolve({
          case: "failed",
          value: {
            failure: this.failure(
              "Child Workflow execution terminated",
              RetryState.NON_RETRYABLE_FAILURE,
              create(FailureSchema, { message: "Terminated", failureInfo: { case: "terminatedFailureInfo", value: {} } }),
            ),
          },
        });
        return;
      case "childWorkflowExecutionCanceledEventAttributes":
        this.cancelSeen = true;
        this.resolve({ case: "cancelled", value: { failure: this.cancelledFailure() } });
        return;
      default:
        return;
    }
  }

  /** CancelChildWorkflowExecution from the workflow code. */
  cancel(reason: string): void {
    const before = this.state;
    const type = this.attrs.cancellationType;
    const waits = type === ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED || type === ChildWorkflowCancellationType.WAIT_CANCELLATION_REQUESTED;
    this.move(before === "Started" && waits ? "CancelAndWait" : "Cancel");
    if (before === "StartCommandCreated") {
      this.cancelledEarly = true;
      const failure = this.failure(
        `Child Workflow Execution cancelled before scheduled: ${reason}`,
        RetryState.NON_RETRYABLE_FAILURE,
        create(FailureSchema, { failureInfo: { case: "canceledFailureInfo", value: {} } }),
      );
      this.resolveStart({ case: "cancelled", value: { failure } });
      return;
    }
    if (before !== "Started") return;
    if (type !== ChildWorkflowCancellationType.ABANDON) {
      this.cancelRequestOpen = true;
      this.host.issueCommand(
        this,
        create(CommandSchema, {
          commandType: CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
          attributes: {
            case: "requestCancelExternalWorkflowExecutionCommandAttributes",
            value: { namespace: this.attrs.namespace, workflowId: this.attrs.workflowId, runId: this.runId, childWorkflowOnly: true, reason },
          },
        }),
      );
    }
    if (!waits) this.resolve({ case: "cancelled", value: { failure: this.cancelledFailure() } });
  }

  isFinal(): boolean {
    if (this.cancelRequestOpen) return false;
    // An abandoned child may still report its outcome; those events must find this machine.
    if (this.state === "Cancelled") return this.cancelledEarly;
    return this.state === "StartFailed" || this.state === "Completed" || this.state === "Failed" || this.state === "TimedOut" || this.state === "Terminated";
  }

  cancelledBeforeSent(): boolean {
    return this.cancelledEarly;
  }

  private move(event: Event): void {
    this.state = step(transitions, "ChildWorkflow", this.state, event);
  }

  private failure(message: string, retryState: RetryState, cause: Failure | undefined): Failure {
    return create(FailureSchema, {
      message,
      cause,
      failureInfo: {
        case: "childWorkflowExecutionFailureInfo",
        value: {
          namespace: this.attrs.namespace,
          workflowType: { name: this.attrs.workflowType },
          workflowExecution: { workflowId: this.attrs.workflowId, runId: this.runId },
          initiatedEventId: this.initiatedEventId,
          startedEventId: this.startedEventId,
          retryState,
        },
      },
    });
  }

  private cancelledFailure(): Failure {
    return this.failure(
      "Child Workflow execution cancelled",
      RetryState.NON_RETRYABLE_FAILURE,
      create(FailureSchema, { failureInfo: { case: "canceledFailureInfo", value: {} } }),
    );
  }

  private resolveStart(status: Parameters<typeof create<typeof ResolveChildWorkflowExecutionStartSchema>>[1] extends infer I ? (I extends { status?: infer S } ? S : never) : never): void {
    this.host.pushJob({
      case: "resolveChildWorkflowExecutionStart",
      value: create(ResolveChildWorkflowExecutionStartSchema, { seq: this.attrs.seq, status }),
    });
  }

  private resolve(status: ChildResult): void {
    this.host.pushJob({
      case: "resolveChildWorkflowExecution",
      value: create(ResolveChildWorkflowExecutionSchema, { seq: this.attrs.seq, result: { status } }),
    });
  }
}

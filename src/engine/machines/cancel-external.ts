import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { CancelExternalWorkflowExecutionFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { ResolveRequestCancelExternalWorkflowSchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { RequestCancelExternalWorkflowExecution } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, type MachineHost, step, type Transitions } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded" | "CancelRequested" | "Failed";
type Event = "Schedule" | "CommandRequestCancelExternal" | "RequestCancelExternalInitiated" | "ExternalCancelRequested" | "RequestCancelExternalFailed";

/**
 * ```
 * Created --(Schedule)--> CommandCreated
 * CommandCreated --(CommandRequestCancelExternal)--> CommandCreated
 * CommandCreated --(RequestCancelExternalWorkflowExecutionInitiated)--> CommandRecorded
 * CommandRecorded --(ExternalWorkflowExecutionCancelRequested)--> CancelRequested      job ResolveRequestCancelExternalWorkflow
 * CommandRecorded --(RequestCancelExternalWorkflowExecutionFailed)--> Failed           job ResolveRequestCancelExternalWorkflow(failure)
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "CommandCreated" },
  CommandCreated: { CommandRequestCancelExternal: "CommandCreated", RequestCancelExternalInitiated: "CommandRecorded" },
  CommandRecorded: { ExternalCancelRequested: "CancelRequested", RequestCancelExternalFailed: "Failed" },
};

/** Asks the server to cancel another workflow (`getExternalWorkflowHandle(id).cancel()`). */
export class CancelExternalMachine implements CommandMachine {
  state: State = "Created";
  readonly command: Command;

  constructor(
    private readonly host: MachineHost,
    private readonly attrs: RequestCancelExternalWorkflowExecution,
  ) {
    this.state = step(transitions, "CancelExternal", this.state, "Schedule");
    const target = attrs.workflowExecution;
    this.command = create(CommandSchema, {
      commandType: CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
      attributes: {
        case: "requestCancelExternalWorkflowExecutionCommandAttributes",
        value: {
          namespace: target?.namespace ?? "",
          workflowId: target?.workflowId ?? "",
          runId: target?.runId ?? "",
          childWorkflowOnly: false,
          reason: attrs.reason,
        },
      },
    });
  }

  describe(): string {
    return `RequestCancelExternalWorkflowExecution(seq ${this.attrs.seq}, workflow id "${this.attrs.workflowExecution?.workflowId ?? ""}")`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION) this.move("CommandRequestCancelExternal");
  }

  handleEvent(event: HistoryEvent): void {
    const a = event.attributes;
    switch (event.eventType) {
      case EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        this.move("RequestCancelExternalInitiated");
        return;
      case EventType.EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        this.move("ExternalCancelRequested");
        this.resolve(undefined);
        return;
      case EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        this.move("RequestCancelExternalFailed");
        const cause = a.case === "requestCancelExternalWorkflowExecutionFailedEventAttributes" ? a.value.cause : CancelExternalWorkflowExecutionFailedCause.UNSPECIFIED;
        const reason = cause === CancelExternalWorkflowExecutionFailedCause.UNSPECIFIED ? "unknown" : "it was not found";
        this.resolve(
          create(FailureSchema, {
            message: `Unable to cancel external workflow because ${reason}`,
            failureInfo: { case: "applicationFailureInfo", value: { type: CancelExternalWorkflowExecutionFailedCause[cause] ?? String(cause) } },
          }),
        );
        return;
      }
      default:
        throw new MachineMismatch(`a cancellation of another workflow does not take ${eventTypeName(event.eventType)}`);
    }
  }

  isFinal(): boolean {
    return this.state === "CancelRequested" || this.state === "Failed";
  }

  cancelledBeforeSent(): boolean {
    return false;
  }

  private move(event: Event): void {
    this.state = step(transitions, "CancelExternal", this.state, event);
  }

  private resolve(failure: Failure | undefined): void {
    this.host.pushJob({
      case: "resolveRequestCancelExternalWorkflow",
      value: create(ResolveRequestCancelExternalWorkflowSchema, { seq: this.attrs.seq, failure }),
    });
  }
}

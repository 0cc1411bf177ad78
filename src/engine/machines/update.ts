import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { type Message, MessageSchema } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import {
  AcceptanceSchema,
  RejectionSchema,
  type Request,
  ResponseSchema,
} from "../../../gen/temporal/api/update/v1/message_pb.ts";
import { DoUpdateSchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { UpdateResponse } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, type MachineHost, step, type Transitions } from "./machine.ts";

type State =
  | "RequestInitiated"
  | "Accepted"
  | "Rejected"
  | "AcceptCommandCreated"
  | "AcceptCommandRecorded"
  | "Completed"
  | "CompletedCommandCreated"
  | "CompletedCommandRecorded"
  | "CompletedImmediately"
  | "CompletedImmediatelyAcceptCreated"
  | "CompletedImmediatelyCompleteCreated";
type Event = "Accept" | "Reject" | "Complete" | "CommandProtocolMessage" | "WorkflowExecutionUpdateAccepted" | "WorkflowExecutionUpdateCompleted";

/**
 * One workflow update, after sdk-core's update machine. The request comes
 * as a protocol message (from the poll, or made up on replay from an
 * UpdateAdmitted or UpdateAccepted event) and becomes a DoUpdate job; the
 * workflow code's answers become protocol messages, each accepted or
 * completed one paired with a ProtocolMessage command that the history
 * records as UpdateAccepted / UpdateCompleted. A rejection is only a
 * message: it leaves no event.
 * ```
 * RequestInitiated --(Accept)--> Accepted                         message <id>/accept + command
 * RequestInitiated --(Reject)--> Rejected                         message <id>/reject only
 * Accepted --(Complete | Reject)--> CompletedImmediately          message <id>/complete + command
 * Accepted --(CommandProtocolMessage)--> AcceptCommandCreated
 * AcceptCommandCreated --(WorkflowExecutionUpdateAccepted)--> AcceptCommandRecorded
 * AcceptCommandCreated --(Complete | Reject)--> CompletedImmediatelyAcceptCreated
 * AcceptCommandRecorded --(Complete | Reject)--> Completed
 * Completed --(CommandProtocolMessage)--> CompletedCommandCreated
 * CompletedCommandCreated --(WorkflowExecutionUpdateCompleted)--> CompletedCommandRecorded
 * CompletedImmediately --(CommandProtocolMessage)--> CompletedImmediatelyAcceptCreated
 * CompletedImmediatelyAcceptCreated --(CommandProtocolMessage)--> CompletedImmediatelyCompleteCreated
 * CompletedImmediatelyCompleteCreated --(WorkflowExecutionUpdateAccepted)--> CompletedCommandCreated
 * ```
 * (A rejection after acceptance is a failed outcome: Reject stands for it there.)
 */
const transitions: Transitions<State, Event> = {
  RequestInitiated: { Accept: "Accepted", Reject: "Rejected" },
  Accepted: { Complete: "CompletedImmediately", Reject: "CompletedImmediately", CommandProtocolMessage: "AcceptCommandCreated" },
  AcceptCommandCreated: {
    WorkflowExecutionUpdateAccepted: "AcceptCommandRecorded",
    Complete: "CompletedImmediatelyAcceptCreated",
    Reject: "CompletedImmediatelyAcceptCreated",
  },
  AcceptCommandRecorded: { Complete: "Completed", Reject: "Completed" },
  Completed: { CommandProtocolMessage: "CompletedCommandCreated" },
  CompletedCommandCreated: { WorkflowExecutionUpdateCompleted: "CompletedCommandRecorded" },
  CompletedImmediately: { CommandProtocolMessage: "CompletedImmediatelyAcceptCreated" },
  CompletedImmediatelyAcceptCreated: { CommandProtocolMessage: "CompletedImmediatelyCompleteCreated" },
  CompletedImmediatelyCompleteCreated: { WorkflowExecutionUpdateAccepted: "CompletedCommandCreated" },
};

/** What an update machine needs beyond other machines: an outbox for protocol messages. */
export interface UpdateHost extends MachineHost {
  /** Queues a protocol message for RespondWorkflowTaskCompleted (dropped while replaying, as in sdk-core). */
  issueMessage(message: Message): void;
}

/** An update request as the engine takes it, from a poll message or a history event. */
export interface UpdateRequestMessage {
  /** The id of the request message: the accept, reject and complete messages are named after it. */
  messageId: string;
  protocolInstanceId: string;
  /** The event after which the request is processed (its `sequencingId.eventId`). */
  sequencingEventId: bigint;
  request: Request;
}

export class UpdateMachine implements CommandMachine {
  state: State = "RequestInitiated";
  private readonly updateId: string;

  constructor(
    private readonly host: UpdateHost,
    private readonly msg: UpdateRequestMessage,
    replaying: boolean,
  ) {
    const { request } = msg;
    const meta = request.meta;
    if (meta === undefined || request.input === undefined) {
      throw new MachineMismatch(`update request ${msg.protocolInstanceId} lacks its meta or input; the server sent a malformed request`);
    }
    this.updateId = meta.updateId;
    host.pushJob({
      case: "doUpdate",
      value: create(DoUpdateSchema, {
        id: meta.updateId,
        protocolInstanceId: msg.protocolInstanceId,
        name: request.input.name,
        input: request.input.args?.payloads ?? [],
        headers: request.input.header?.fields ?? {},
        meta,
        // Validators ran when the update was first delivered; replay must not run them again.
        runValidator: !replaying,
      }),
    });
  }

  get protocolInstanceId(): string {
    return this.msg.protocolInstanceId;
  }

  describe(): string {
    return `Update(id "${this.updateId}")`;
  }

  /** The workflow code's answer to the DoUpdate job. */
  respond(response: UpdateResponse): void {
    const r = response.response;
    switch (r.case) {
      case "accepted":
        this.move("Accept");
        this.send("accept", AcceptanceSchema, {
          acceptedRequestMessageId: this.msg.messageId,
          acceptedRequestSequencingEventId: this.msg.sequencingEventId,
          acceptedRequest: this.msg.request,
        });
        return;
      case "rejected":
        if (this.state === "RequestInitiated") {
          this.move("Reject");
          this.host.issueMessage(
            this.message("reject", RejectionSchema, {
              rejectedRequestMessageId: this.msg.messageId,
              rejectedRequestSequencingEventId: this.msg.sequencingEventId,
              rejectedRequest: this.msg.request,
              failure: r.value,
            }),
          );
          return;
        }
        this.move("Reject");
        this.complete({ case: "failure", value: r.value });
        return;
      case "completed":
        this.move("Complete");
        this.complete({ case: "success", value: { payloads: [r.value] } });
        return;
      default:
        throw new MachineMismatch(`the workflow code answered update "${this.updateId}" with an empty response`);
    }
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.PROTOCOL_MESSAGE) this.move("CommandProtocolMessage");
  }

  handleEvent(event: HistoryEvent): void {
    const a = event.attributes;
    if (a.case === "workflowExecutionUpdateAcceptedEventAttributes" && a.value.protocolInstanceId !== this.msg.protocolInstanceId) {
      throw new MachineMismatch(`UpdateAccepted is for update "${a.value.protocolInstanceId}", expected "${this.msg.protocolInstanceId}"`);
    }
    if (event.eventType === EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED) this.move("WorkflowExecutionUpdateAccepted");
    else if (event.eventType === EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED) this.move("WorkflowExecutionUpdateCompleted");
    else throw new MachineMismatch(`an update does not take ${eventTypeName(event.eventType)}`);
  }

  isFinal(): boolean {
    return this.state === "CompletedCommandRecorded" || this.state === "Rejected";
  }

  cancelledBeforeSent(): boolean {
    return false;
  }

  private complete(outcome: { case: "success"; value: { payloads: Payload[] } } | { case: "failure"; value: Failure }): void {
    this.send("complete", ResponseSchema, { meta: this.msg.request.meta, outcome: { value: outcome } });
  }

  /** A message plus the ProtocolMessage command that makes the server record it. */
  private send<D extends DescMessage>(suffix: string, schema: D, body: Parameters<typeof create<D>>[1]): void {
    const message = this.message(suffix, schema, body);
    this.host.issueMessage(message);
    this.host.issueCommand(
      this,
      create(CommandSchema, {
        commandType: CommandType.PROTOCOL_MESSAGE,
        attributes: { case: "protocolMessageCommandAttributes", value: { messageId: message.id } },
      }),
    );
  }

  private message<D extends DescMessage>(suffix: string, schema: D, body: Parameters<typeof create<D>>[1]): Message {
    return create(MessageSchema, {
      id: `${this.msg.messageId}/${suffix}`,
      protocolInstanceId: this.msg.protocolInstanceId,
      body: anyPack(schema, create(schema, body) as MessageShape<D>),
    });
  }

  private move(event: Event): void {
    this.state = step(transitions, "Update", this.state, event);
  }
}

import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, step, type Transitions } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded";
type Event = "Schedule" | "CommandSent" | "EventRecorded";

/**
 * The shared shape of the machines that close a run:
 * ```
 * Created --(Schedule)--> CommandCreated
 * CommandCreated --(Command...)--> CommandCreated
 * CommandCreated --(WorkflowExecution{Completed|Failed|Canceled})--> CommandRecorded
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "CommandCreated" },
  CommandCreated: { CommandSent: "CommandCreated", EventRecorded: "CommandRecorded" },
};

abstract class TerminalWorkflowMachine implements CommandMachine {
  state: State = "Created";
  abstract readonly command: Command;
  protected abstract readonly name: string;
  protected abstract readonly eventType: EventType;

  constructor() {
    this.state = step(transitions, "Workflow", this.state, "Schedule");
  }

  describe(): string {
    return `${this.name}`;
  }

  onCommandSent(): void {
    this.state = step(transitions, this.name, this.state, "CommandSent");
  }

  handleEvent(event: HistoryEvent): void {
    if (event.eventType !== this.eventType) {
      throw new MachineMismatch(`${this.name} does not take ${eventTypeName(event.eventType)}`);
    }
    this.state = step(transitions, this.name, this.state, "EventRecorded");
  }

  isFinal(): boolean {
    return this.state === "CommandRecorded";
  }

  cancelledBeforeSent(): boolean {
    return false;
  }
}

type CompleteAttrs = import("../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts").CompleteWorkflowExecution;
type FailAttrs = import("../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts").FailWorkflowExecution;

/** CompleteWorkflowExecution: the workflow function returned. */
export class CompleteWorkflowMachine extends TerminalWorkflowMachine {
  protected readonly name = "CompleteWorkflowExecution";
  protected readonly eventType = EventType.WORKFLOW_EXECUTION_COMPLETED;
  readonly command: Command;

  constructor(attrs: CompleteAttrs) {
    super();
    this.command = create(CommandSchema, {
      commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION,
      attributes: {
        case: "completeWorkflowExecutionCommandAttributes",
        value: { result: attrs.result !== undefined ? { payloads: [attrs.result] } : undefined },
      },
    });
  }
}

/** FailWorkflowExecution: the workflow function threw a workflow failure. */
export class FailWorkflowMachine extends TerminalWorkflowMachine {
  protected readonly name = "FailWorkflowExecution";
  protected readonly eventType = EventType.WORKFLOW_EXECUTION_FAILED;
  readonly command: Command;

  constructor(attrs: FailAttrs) {
    super();
    this.command = create(CommandSchema, {
      commandType: CommandType.FAIL_WORKFLOW_EXECUTION,
      attributes: { case: "failWorkflowExecutionCommandAttributes", value: { failure: attrs.failure } },
    });
  }
}

/** CancelWorkflowExecution: the run accepted a cancellation request. */
export class CancelWorkflowMachine extends TerminalWorkflowMachine {
  protected readonly name = "CancelWorkflowExecution";
  protected readonly eventType = EventType.WORKFLOW_EXECUTION_CANCELED;
  readonly command: Command = create(CommandSchema, {
    commandType: CommandType.CANCEL_WORKFLOW_EXECUTION,
    attributes: { case: "cancelWorkflowExecutionCommandAttributes", value: {} },
  });
}

type ContinueAsNewAttrs = import("../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts").ContinueAsNewWorkflowExecution;

/** ContinueAsNewWorkflowExecution: the run ends and a new run of the chain starts. */
export class ContinueAsNewMachine extends TerminalWorkflowMachine {
  protected readonly name = "ContinueAsNewWorkflowExecution";
  protected readonly eventType = EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
  readonly command: Command;

  /** `currentWorkflowType` is used when the code names no type (continue as the same workflow). */
  constructor(attrs: ContinueAsNewAttrs, currentWorkflowType: string) {
    super();
    this.command = create(CommandSchema, {
      commandType: CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
      attributes: {
        case: "continueAsNewWorkflowExecutionCommandAttributes",
        value: {
          workflowType: { name: attrs.workflowType || currentWorkflowType },
          taskQueue: attrs.taskQueue !== "" ? { name: attrs.taskQueue, kind: 1 } : undefined,
          input: attrs.arguments.length > 0 ? { payloads: attrs.arguments } : undefined,
          workflowRunTimeout: attrs.workflowRunTimeout,
          workflowTaskTimeout: attrs.workflowTaskTimeout,
          backoffStartInterval: attrs.backoffStartInterval,
          retryPolicy: attrs.retryPolicy,
          header: Object.keys(attrs.headers).length > 0 ? { fields: attrs.headers } : undefined,
          memo: Object.keys(attrs.memo).length > 0 ? { fields: attrs.memo } : undefined,
          searchAttributes: attrs.searchAttributes,
          initialVersioningBehavior: attrs.initialVersioningBehavior,
        },
      },
    });
  }
}

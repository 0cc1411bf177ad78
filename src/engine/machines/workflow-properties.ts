import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  ModifyWorkflowProperties,
  UpsertWorkflowSearchAttributes,
} from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, step, type Transitions } from "./machine.ts";

type State = "Created" | "CommandCreated" | "Recorded";
type Event = "Schedule" | "CommandSent" | "EventRecorded";

/**
 * The shape of the fire-and-forget commands that change the run's own
 * properties; the workflow code is not told when they are recorded:
 * ```
 * Created --(Schedule)--> CommandCreated
 * CommandCreated --(Command...)--> CommandCreated
 * CommandCreated --(UpsertWorkflowSearchAttributes | WorkflowPropertiesModified)--> Recorded
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "CommandCreated" },
  CommandCreated: { CommandSent: "CommandCreated", EventRecorded: "Recorded" },
};

abstract class PropertyMachine implements CommandMachine {
  state: State = "Created";
  abstract readonly command: Command;
  protected abstract readonly name: string;
  protected abstract readonly eventType: EventType;

  constructor() {
    this.state = step(transitions, "WorkflowProperty", this.state, "Schedule");
  }

  describe(): string {
    return this.name;
  }

  onCommandSent(): void {
    this.state = step(transitions, this.name, this.state, "CommandSent");
  }

  handleEvent(event: HistoryEvent): void {
    if (event.eventType !== this.eventType) throw new MachineMismatch(`${this.name} does not take ${eventTypeName(event.eventType)}`);
    this.state = step(transitions, this.name, this.state, "EventRecorded");
  }

  isFinal(): boolean {
    return this.state === "Recorded";
  }

  cancelledBeforeSent(): boolean {
    return false;
  }
}

/** UpsertWorkflowSearchAttributes (`upsertSearchAttributes`, and the TemporalChangeVersion of `patched`). */
export class UpsertSearchAttributesMachine extends PropertyMachine {
  protected readonly name = "UpsertWorkflowSearchAttributes";
  protected readonly eventType = EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES;
  readonly command: Command;

  constructor(attrs: UpsertWorkflowSearchAttributes) {
    super();
    this.command = create(CommandSchema, {
      commandType: CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
      attributes: { case: "upsertWorkflowSearchAttributesCommandAttributes", value: { searchAttributes: attrs.searchAttributes } },
    });
  }
}

/** ModifyWorkflowProperties (`upsertMemo`). */
export class ModifyWorkflowPropertiesMachine extends PropertyMachine {
  protected readonly name = "ModifyWorkflowProperties";
  protected readonly eventType = EventType.WORKFLOW_PROPERTIES_MODIFIED;
  readonly command: Command;

  constructor(attrs: ModifyWorkflowProperties) {
    super();
    this.command = create(CommandSchema, {
      commandType: CommandType.MODIFY_WORKFLOW_PROPERTIES,
      attributes: { case: "modifyWorkflowPropertiesCommandAttributes", value: { upsertedMemo: attrs.upsertedMemo } },
    });
  }
}

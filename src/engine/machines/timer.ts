import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { FireTimerSchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { StartTimer } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, type MachineHost, step, type Transitions } from "./machine.ts";

type State =
  | "Created"
  | "StartCommandCreated"
  | "StartCommandRecorded"
  | "CancelTimerCommandCreated"
  | "CancelTimerCommandSent"
  | "Fired"
  | "Canceled";
type Event = "Schedule" | "CommandStartTimer" | "TimerStarted" | "TimerFired" | "Cancel" | "CommandCancelTimer" | "TimerCanceled";

/**
 * ```
 * Created --(Schedule)--> StartCommandCreated
 * StartCommandCreated --(CommandStartTimer)--> StartCommandCreated
 * StartCommandCreated --(TimerStarted)--> StartCommandRecorded
 * StartCommandCreated --(Cancel)--> Canceled                 the StartTimer command is dropped
 * StartCommandRecorded --(TimerFired)--> Fired               job FireTimer
 * StartCommandRecorded --(Cancel)--> CancelTimerCommandCreated  command CancelTimer
 * CancelTimerCommandCreated --(CommandCancelTimer)--> CancelTimerCommandSent
 * CancelTimerCommandSent --(TimerCanceled)--> Canceled
 * Canceled, Fired --(Cancel)--> unchanged                    late cancels are ignored
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "StartCommandCreated" },
  StartCommandCreated: { CommandStartTimer: "StartCommandCreated", TimerStarted: "StartCommandRecorded", Cancel: "Canceled" },
  StartCommandRecorded: { TimerFired: "Fired", Cancel: "CancelTimerCommandCreated" },
  CancelTimerCommandCreated: { Cancel: "CancelTimerCommandCreated", CommandCancelTimer: "CancelTimerCommandSent" },
  CancelTimerCommandSent: { TimerCanceled: "Canceled" },
  Canceled: { Cancel: "Canceled" },
  Fired: { Cancel: "Fired" },
};

/** The timer machine; the timer id is the workflow's sequence number, as sdk-core writes it. */
export class TimerMachine implements CommandMachine {
  state: State = "Created";
  private cancelledEarly = false;
  readonly command: Command;

  constructor(
    private readonly host: MachineHost,
    private readonly attrs: StartTimer,
  ) {
    this.state = step(transitions, "Timer", this.state, "Schedule");
    this.command = create(CommandSchema, {
      commandType: CommandType.START_TIMER,
      attributes: {
        case: "startTimerCommandAttributes",
        value: { timerId: String(attrs.seq), startToFireTimeout: attrs.startToFireTimeout },
      },
    });
  }

  describe(): string {
    return `StartTimer(seq ${this.attrs.seq})`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.START_TIMER) this.state = step(transitions, "Timer", this.state, "CommandStartTimer");
    else if (type === CommandType.CANCEL_TIMER) this.state = step(transitions, "Timer", this.state, "CommandCancelTimer");
  }

  handleEvent(event: HistoryEvent): void {
    const a = event.attributes;
    switch (event.eventType) {
      case EventType.TIMER_STARTED:
        this.state = step(transitions, "Timer", this.state, "TimerStarted");
        return;
      case EventType.TIMER_FIRED:
        if (a.case === "timerFiredEventAttributes" && a.value.timerId !== String(this.attrs.seq)) {
          throw new MachineMismatch(`TimerFired has timer id "${a.value.timerId}", expected "${this.attrs.seq}"`);
        }
        this.state = step(transitions, "Timer", this.state, "TimerFired");
        this.host.pushJob({ case: "fireTimer", value: create(FireTimerSchema, { seq: this.attrs.seq }) });
        return;
      case EventType.TIMER_CANCELED:
        this.state = step(transitions, "Timer", this.state, "TimerCanceled");
        return;
      default:
        throw new MachineMismatch(`a timer does not take ${eventTypeName(event.eventType)}`);
    }
  }

  /** CancelTimer from the workflow code. */
  cancel(): void {
    const before = this.state;
    this.state = step(transitions, "Timer", this.state, "Cancel");
    if (before === "StartCommandCreated") {
      this.cancelledEarly = true;
    } else if (before === "StartCommandRecorded") {
      this.host.issueCommand(
        this,
        create(CommandSchema, {
          commandType: CommandType.CANCEL_TIMER,
          attributes: { case: "cancelTimerCommandAttributes", value: { timerId: String(this.attrs.seq) } },
        }),
      );
    }
  }

  isFinal(): boolean {
    return this.state === "Fired" || this.state === "Canceled";
  }

  cancelledBeforeSent(): boolean {
    return this.cancelledEarly;
  }
}

import type { Command } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { WorkflowActivationJob } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import { MachineMismatch } from "../errors.ts";
import type { CoreFlag } from "../internal-flags.ts";

/** The `variant` of an activation job: what a machine hands the workflow code. */
export type JobVariant = WorkflowActivationJob["variant"];

/** What a command state machine may ask of the run that owns it. */
export interface MachineHost {
  /** Queues a job for the next activation (resolve an activity, fire a timer ...). */
  pushJob(job: JobVariant): void;
  /** Sends one more command on behalf of this machine (e.g. CancelTimer after StartTimer). */
  issueCommand(machine: CommandMachine, command: Command): void;
  /** Whether a core behaviour flag applies (see InternalFlags.tryUse). */
  tryUseFlag(flag: CoreFlag, record: boolean): boolean;
}

/** Facts about the event being applied that some transitions depend on. */
export interface EventContext {
  /** The event belongs to the last workflow task of the history (new work, not replay). */
  readonly isLastTask: boolean;
}

/**
 * One state machine per command, as in sdk-core: it emits the command, is
 * matched with the events that record it, and resolves the workflow code's
 * promise through a job. A machine meeting an event or command its current
 * state does not accept throws MachineMismatch, which the run reports as
 * nondeterminism with the workflow's context.
 */
export interface CommandMachine {
  /** e.g. `StartTimer(seq 1)`: the command as the workflow code issued it, for error messages. */
  describe(): string;
  /** The current state's name, as in the transition table. */
  readonly state: string;
  /** The command is on its way to the server (core's "handle_command"). */
  onCommandSent(type: CommandType): void;
  /** Applies a recorded event that belongs to this machine. */
  handleEvent(event: HistoryEvent, ctx: EventContext): void;
  /** Nothing more can happen to this machine. */
  isFinal(): boolean;
  /** Cancelled before its command left: the command is dropped and no event will match it. */
  cancelledBeforeSent(): boolean;
}

/** A transition table: state -> event -> next state. Anything absent is not allowed. */
export type Transitions<S extends string, E extends string> = { readonly [K in S]?: { readonly [L in E]?: S } };

/** Looks up a transition, throwing MachineMismatch when the table does not allow it. */
export function step<S extends string, E extends string>(table: Transitions<S, E>, machine: string, state: S, event: E): S {
  const next = table[state]?.[event];
  if (next === undefined) {
    throw new MachineMismatch(`${machine} in state ${state} cannot take ${event}`);
  }
  return next;
}

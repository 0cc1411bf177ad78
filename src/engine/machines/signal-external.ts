import { create } from "@bufbuild/protobuf";
import { type Command, CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { SignalExternalWorkflowExecutionFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { type Failure, FailureSchema } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { ResolveSignalExternalWorkflowSchema } from "../../../gen/temporal/sdk/core/workflow_activation/workflow_activation_pb.ts";
import type { SignalExternalWorkflowExecution } from "../../../gen/temporal/sdk/core/workflow_commands/workflow_commands_pb.ts";
import { MachineMismatch, WorkflowEngineError } from "../errors.ts";
import { eventTypeName } from "../history/events.ts";
import { type CommandMachine, type MachineHost, step, type Transitions } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded" | "Signaled" | "Failed" | "Cancelled";
type Event = "Schedule" | "CommandSignalExternal" | "SignalExternalInitiated" | "ExternalSignaled" | "SignalExternalFailed" | "Cancel";

/**
 * ```
 * Created --(Schedule)--> CommandCreated
 * CommandCreated --(CommandSignalExternal)--> CommandCreated
 * CommandCreated --(Cancel)--> Cancelled                        command dropped, resolved with a CanceledFailure
 * CommandCreated --(SignalExternalWorkflowExecutionInitiated)--> CommandRecorded
 * CommandRecorded --(Cancel)--> CommandRecorded                 too late: the signal is on its way
 * CommandRecorded --(ExternalWorkflowExecutionSignaled)--> Signaled         job ResolveSignalExternalWorkflow
 * CommandRecorded --(SignalExternalWorkflowExecutionFailed)--> Failed       job ResolveSignalExternalWorkflow(failure)
 * Signaled, Cancelled --(Cancel)--> unchanged
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { Schedule: "CommandCreated" },
  CommandCreated: { CommandSignalExternal: "CommandCreated", Cancel: "Cancelled", SignalExternalInitiated: "CommandRecorded" },
  CommandRecorded: { Cancel: "CommandRecorded", ExternalSignaled: "Signaled", SignalExternalFailed: "Failed" },
  Signaled: { Cancel: "Signaled" },
  Cancelled: { Cancel: "Cancelled" },
};

const FAILURE_REASONS: Record<SignalExternalWorkflowExecutionFailedCause, string> = {
  [SignalExternalWorkflowExecutionFailedCause.UNSPECIFIED]: "unknown",
  [SignalExternalWorkflowExecutionFailedCause.EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND]: "it was not found",
  [SignalExternalWorkflowExecutionFailedCause.NAMESPACE_NOT_FOUND]: "it was not found",
  [SignalExternalWorkflowExecutionFailedCause.SIGNAL_COUNT_LIMIT_EXCEEDED]: "The per-workflow signal limit was exceeded",
};

/** Signals another workflow (or this run's child, by workflow id). */
export class SignalExternalMachine implements CommandMachine {
  state: State = "Created";
  readonly command: Command;

  constructor(
    private readonly host: MachineHost,
    private readonly attrs: SignalExternalWorkflowExecution,
    namespace: string,
  ) {
    this.state = step(transitions, "SignalExternal", this.state, "Schedule");
    const target = attrs.target;
    if (target.case === undefined) {
      throw new WorkflowEngineError(`signalExternalWorkflowExecution seq ${attrs.seq} has no target: give a workflow execution or a child workflow id`);
    }
    const execution =
      target.case === "childWorkflowId"
        ? { namespace, workflowId: target.value, runId: "" }
        : { namespace: target.value.namespace, workflowId: target.value.workflowId, runId: target.value.runId };
    this.command = create(CommandSchema, {
      commandType: CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
      attributes: {
        case: "signalExternalWorkflowExecutionCommandAttributes",
        value: {
          namespace: execution.namespace,
          execution: { workflowId: execution.workflowId, runId: execution.runId },
          signalName: attrs.signalName,
          input: attrs.args.length > 0 ? { payloads: attrs.args } : undefined,
          header: Object.keys(attrs.headers).length > 0 ? { fields: attrs.headers } : undefined,
          childWorkflowOnly: target.case === "childWorkflowId",
        },
      },
    });
  }

  describe(): string {
    return `SignalExternalWorkflowExecution(seq ${this.attrs.seq}, signal "${this.attrs.signalName}")`;
  }

  onCommandSent(type: CommandType): void {
    if (type === CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION) this.move("CommandSignalExternal");
  }

  handleEvent(event: HistoryEvent): void {
    const a = event.attributes;
    switch (event.eventType) {
      case EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
        if (a.case === "signalExternalWorkflowExecutionInitiatedEventAttributes" && a.value.signalName !== this.attrs.signalName) {
          throw new MachineMismatch(`the recorded signal name "${a.value.signalName}" differs from the command's "${this.attrs.signalName}"`);
        }
        this.move("SignalExternalInitiated");
        return;
      case EventType.EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
        this.move("ExternalSignaled");
        this.resolve(undefined);
        return;
      case EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
        this.move("SignalExternalFailed");
        const cause = a.case === "signalExternalWorkflowExecutionFailedEventAttributes" ? a.value.cause : SignalExternalWorkflowExecutionFailedCause.UNSPECIFIED;
        this.resolve(
          create(FailureSchema, {
            message: `Unable to signal external workflow because ${FAILURE_REASONS[cause] ?? "unknown"}`,
            failureInfo: { case: "applicationFailureInfo", value: { type: SignalExternalWorkflowExecutionFailedCause[cause] ?? String(cause) } },
          }),
        );
        return;
      }
      default:
        throw new MachineMismatch(`a signal to another workflow does not take ${eventTypeName(event.eventType)}`);
    }
  }

  /** CancelSignalWorkflow from the workflow code: effective only before the command left. */
  cancel(): void {
    const before = this.state;
    this.move("Cancel");
    if (before !== "CommandCreated") return;
    this.resolve(
      create(FailureSchema, {
        message: "Signal was cancelled before being sent",
        failureInfo: { case: "canceledFailureInfo", value: {} },
      }),
    );
  }

  isFinal(): boolean {
    return this.state === "Signaled" || this.state === "Failed" || this.state === "Cancelled";
  }

  cancelledBeforeSent(): boolean {
    return this.state === "Cancelled";
  }

  private move(event: Event): void {
    this.state = step(transitions, "SignalExternal", this.state, event);
  }

  private resolve(failure: Failure | undefined): void {
    this.host.pushJob({ case: "resolveSignalExternalWorkflow", value: create(ResolveSignalExternalWorkflowSchema, { seq: this.attrs.seq, failure }) });
  }
}

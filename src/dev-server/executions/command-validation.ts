import type { Command } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { Message } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import { durationMs } from "../time.ts";
import { type ActivityTimeouts, normalizeTimeouts } from "./activities.ts";
import type { RunState } from "./run-state.ts";

/** Why a workflow task completion is refused: the cause and message of its WorkflowTaskFailed event. */
export interface CommandProblem {
  cause: WorkflowTaskFailedCause;
  message: string;
}

/**
 * Checks every command of a completion before any is applied, as a real
 * server does, and returns the first problem. Activity timeouts, once
 * normalised, are handed back in `timeouts` by command index.
 */
export function validateCommands(run: RunState, commands: Command[], messages: Map<string, Message>, timeouts: Map<number, ActivityTimeouts>): CommandProblem | undefined {
  const activityIds = new Set([...run.activities.values()].map((a) => a.activityId));
  const timerIds = new Set(run.timers.keys());
  for (const [index, command] of commands.entries()) {
    const a = command.attributes;
    const where = `command ${index + 1} (${a.case ?? "no attributes"})`;
    switch (a.case) {
      case "scheduleActivityTaskCommandAttributes": {
        const bad = (m: string) => ({ cause: WorkflowTaskFailedCause.BAD_SCHEDULE_ACTIVITY_ATTRIBUTES, message: `BadScheduleActivityAttributes: ${m} (${where})` });
        if (!a.value.activityId) return bad("activityId is not set");
        if (!a.value.activityType?.name) return bad("activityType.name is not set");
        if (activityIds.has(a.value.activityId)) {
          return { cause: WorkflowTaskFailedCause.SCHEDULE_ACTIVITY_DUPLICATE_ID, message: `activityId ${a.value.activityId} is already in use by a pending activity (${where})` };
        }
        const t = normalizeTimeouts(
          durationMs(a.value.scheduleToCloseTimeout),
          durationMs(a.value.scheduleToStartTimeout),
          durationMs(a.value.startToCloseTimeout),
          durationMs(a.value.heartbeatTimeout),
          run.config.runTimeoutMs,
        );
        if (typeof t === "string") return bad(t);
        timeouts.set(index, t);
        activityIds.add(a.value.activityId);
        break;
      }
      case "requestCancelActivityTaskCommandAttributes":
        if (!run.activities.has(a.value.scheduledEventId)) {
          return { cause: WorkflowTaskFailedCause.BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES, message: `no pending activity was scheduled by event ${a.value.scheduledEventId} (${where})` };
        }
        break;
      case "startTimerCommandAttributes":
        if (!a.value.timerId) return { cause: WorkflowTaskFailedCause.BAD_START_TIMER_ATTRIBUTES, message: `timerId is not set (${where})` };
        if (durationMs(a.value.startToFireTimeout) <= 0) {
          return { cause: WorkflowTaskFailedCause.BAD_START_TIMER_ATTRIBUTES, message: `startToFireTimeout must be positive (${where})` };
        }
        if (timerIds.has(a.value.timerId)) return { cause: WorkflowTaskFailedCause.START_TIMER_DUPLICATE_ID, message: `timerId ${a.value.timerId} is already in use (${where})` };
        timerIds.add(a.value.timerId);
        break;
      case "cancelTimerCommandAttributes":
        if (!timerIds.has(a.value.timerId)) return { cause: WorkflowTaskFailedCause.BAD_CANCEL_TIMER_ATTRIBUTES, message: `no pending timer has id ${a.value.timerId} (${where})` };
        timerIds.delete(a.value.timerId);
        break;
      case "recordMarkerCommandAttributes":
        if (!a.value.markerName) return { cause: WorkflowTaskFailedCause.BAD_RECORD_MARKER_ATTRIBUTES, message: `markerName is not set (${where})` };
        break;
      case "startChildWorkflowExecutionCommandAttributes":
        if (!a.value.workflowId || !a.value.workflowType?.name) {
          return { cause: WorkflowTaskFailedCause.BAD_START_CHILD_EXECUTION_ATTRIBUTES, message: `workflowId and workflowType.name are required (${where})` };
        }
        break;
      case "signalExternalWorkflowExecutionCommandAttributes":
        if (!a.value.execution?.workflowId || !a.value.signalName) {
          return { cause: WorkflowTaskFailedCause.BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `execution.workflowId and signalName are required (${where})` };
        }
        break;
      case "requestCancelExternalWorkflowExecutionCommandAttributes":
        if (!a.value.workflowId) {
          return { cause: WorkflowTaskFailedCause.BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES, message: `workflowId is required (${where})` };
        }
        break;
      case "upsertWorkflowSearchAttributesCommandAttributes":
        if (a.value.searchAttributes === undefined) return { cause: WorkflowTaskFailedCause.BAD_SEARCH_ATTRIBUTES, message: `searchAttributes is not set (${where})` };
        break;
      case "modifyWorkflowPropertiesCommandAttributes":
        if (a.value.upsertedMemo === undefined) {
          return { cause: WorkflowTaskFailedCause.BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES, message: `upsertedMemo is not set (${where})` };
        }
        break;
      case "protocolMessageCommandAttributes":
        if (!messages.has(a.value.messageId)) {
          return { cause: WorkflowTaskFailedCause.BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE, message: `message ${a.value.messageId} is not in the request's messages (${where})` };
        }
        break;
      case "continueAsNewWorkflowExecutionCommandAttributes":
        if (!(a.value.workflowType?.name || run.workflowType)) {
          return { cause: WorkflowTaskFailedCause.BAD_CONTINUE_AS_NEW_ATTRIBUTES, message: `workflowType.name is required (${where})` };
        }
        break;
      case "completeWorkflowExecutionCommandAttributes":
      case "failWorkflowExecutionCommandAttributes":
      case "cancelWorkflowExecutionCommandAttributes":
        break;
      case "scheduleNexusOperationCommandAttributes":
      case "requestCancelNexusOperationCommandAttributes":
        return { cause: WorkflowTaskFailedCause.BAD_SCHEDULE_NEXUS_OPERATION_ATTRIBUTES, message: `Nexus operations are not supported by the dev server (${where})` };
      default:
        return { cause: WorkflowTaskFailedCause.UNHANDLED_COMMAND, message: `unknown command type ${command.commandType} (${where})` };
    }
  }
  return undefined;
}

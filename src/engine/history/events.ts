import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";

/** Events that record a command the workflow sent: they follow WorkflowTaskCompleted in command order. */
export function isCommandEvent(type: EventType): boolean {
  switch (type) {
    case EventType.ACTIVITY_TASK_SCHEDULED:
    case EventType.ACTIVITY_TASK_CANCEL_REQUESTED:
    case EventType.MARKER_RECORDED:
    case EventType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case EventType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case EventType.START_CHILD_WORKFLOW_EXECUTION_INITIATED:
    case EventType.TIMER_CANCELED:
    case EventType.TIMER_STARTED:
    case EventType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
    case EventType.WORKFLOW_PROPERTIES_MODIFIED:
    case EventType.NEXUS_OPERATION_SCHEDULED:
    case EventType.NEXUS_OPERATION_CANCEL_REQUESTED:
    case EventType.WORKFLOW_EXECUTION_CANCELED:
    case EventType.WORKFLOW_EXECUTION_COMPLETED:
    case EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
    case EventType.WORKFLOW_EXECUTION_FAILED:
    case EventType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
    case EventType.WORKFLOW_EXECUTION_UPDATE_REJECTED:
    case EventType.WORKFLOW_EXECUTION_UPDATE_COMPLETED:
      return true;
    default:
      return false;
  }
}

/** Events after which the run has no more events. */
export function isFinalEvent(type: EventType): boolean {
  switch (type) {
    case EventType.WORKFLOW_EXECUTION_COMPLETED:
    case EventType.WORKFLOW_EXECUTION_CANCELED:
    case EventType.WORKFLOW_EXECUTION_FAILED:
    case EventType.WORKFLOW_EXECUTION_TIMED_OUT:
    case EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
    case EventType.WORKFLOW_EXECUTION_TERMINATED:
      return true;
    default:
      return false;
  }
}

/**
 * The id of the event that started the thing this event belongs to
 * (ActivityTaskCompleted -> its ActivityTaskScheduled, TimerFired -> its
 * TimerStarted, ...); that is how an event finds its state machine.
 */
export function initialCommandEventId(event: HistoryEvent): bigint | undefined {
  const a = event.attributes;
  switch (a.case) {
    case "activityTaskStartedEventAttributes":
    case "activityTaskCompletedEventAttributes":
    case "activityTaskFailedEventAttributes":
    case "activityTaskTimedOutEventAttributes":
    case "activityTaskCancelRequestedEventAttributes":
    case "activityTaskCanceledEventAttributes":
    case "workflowTaskStartedEventAttributes":
    case "workflowTaskCompletedEventAttributes":
    case "workflowTaskTimedOutEventAttributes":
    case "workflowTaskFailedEventAttributes":
    case "nexusOperationStartedEventAttributes":
    case "nexusOperationCompletedEventAttributes":
    case "nexusOperationFailedEventAttributes":
    case "nexusOperationTimedOutEventAttributes":
    case "nexusOperationCanceledEventAttributes":
    case "nexusOperationCancelRequestedEventAttributes":
    case "nexusOperationCancelRequestCompletedEventAttributes":
    case "nexusOperationCancelRequestFailedEventAttributes":
      return a.value.scheduledEventId;
    case "timerFiredEventAttributes":
    case "timerCanceledEventAttributes":
      return a.value.startedEventId;
    case "requestCancelExternalWorkflowExecutionFailedEventAttributes":
    case "externalWorkflowExecutionCancelRequestedEventAttributes":
    case "startChildWorkflowExecutionFailedEventAttributes":
    case "childWorkflowExecutionStartedEventAttributes":
    case "childWorkflowExecutionCompletedEventAttributes":
    case "childWorkflowExecutionFailedEventAttributes":
    case "childWorkflowExecutionCanceledEventAttributes":
    case "childWorkflowExecutionTimedOutEventAttributes":
    case "childWorkflowExecutionTerminatedEventAttributes":
    case "signalExternalWorkflowExecutionFailedEventAttributes":
    case "externalWorkflowExecutionSignaledEventAttributes":
      return a.value.initiatedEventId;
    default:
      return undefined;
  }
}

/** "ActivityTaskScheduled" for messages, as the history UI names events. */
export function eventTypeName(type: EventType): string {
  const name = EventType[type] ?? `EventType(${type})`;
  return name
    .toLowerCase()
    .split("_")
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join("");
}

/** Event ids are int64 on the wire; a run never gets near 2^53 events. */
export function eventIdOf(event: HistoryEvent): number {
  return Number(event.eventId);
}

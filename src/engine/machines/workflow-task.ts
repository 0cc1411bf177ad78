import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { WorkflowTaskFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { MachineMismatch } from "../errors.ts";
import { eventIdOf, eventTypeName } from "../history/events.ts";
import { step, type Transitions } from "./machine.ts";

type State = "Created" | "Scheduled" | "Started" | "Completed" | "Failed" | "TimedOut";
type Event = "WorkflowTaskScheduled" | "WorkflowTaskStarted" | "WorkflowTaskCompleted" | "WorkflowTaskFailed" | "WorkflowTaskTimedOut";

/**
 * ```
 * Created --(WorkflowTaskScheduled)--> Scheduled
 * Scheduled --(WorkflowTaskStarted)--> Started       the last task of a sequence starts an activation
 * Scheduled --(WorkflowTaskTimedOut)--> TimedOut
 * Started --(WorkflowTaskCompleted)--> Completed     workflow time advances to this task's start
 * Started --(WorkflowTaskFailed)--> Failed           a reset gives the workflow a new random seed
 * Started --(WorkflowTaskTimedOut)--> TimedOut
 * ```
 */
const transitions: Transitions<State, Event> = {
  Created: { WorkflowTaskScheduled: "Scheduled" },
  Scheduled: { WorkflowTaskStarted: "Started", WorkflowTaskTimedOut: "TimedOut" },
  Started: { WorkflowTaskCompleted: "Completed", WorkflowTaskFailed: "Failed", WorkflowTaskTimedOut: "TimedOut" },
};

const EVENT_NAMES: Partial<Record<EventType, Event>> = {
  [EventType.WORKFLOW_TASK_SCHEDULED]: "WorkflowTaskScheduled",
  [EventType.WORKFLOW_TASK_STARTED]: "WorkflowTaskStarted",
  [EventType.WORKFLOW_TASK_COMPLETED]: "WorkflowTaskCompleted",
  [EventType.WORKFLOW_TASK_FAILED]: "WorkflowTaskFailed",
  [EventType.WORKFLOW_TASK_TIMED_OUT]: "WorkflowTaskTimedOut",
};

/** What the run must do after a workflow-task event. */
export type WorkflowTaskOutcome =
  | { kind: "none" }
  | { kind: "taskStarted"; startedEventId: number; timeMs: number }
  | { kind: "reset"; newRunId: string };

/**
 * The workflow task machine. `lastStartedEventId` is the WorkflowTaskStarted
 * that ends the sequence being applied: only that one starts an activation.
 */
export class WorkflowTaskMachine {
  state: State = "Created";
  private startedEventId = 0;
  private startedTimeMs = 0;

  constructor(private readonly lastStartedEventId: number) {}

  handleEvent(event: HistoryEvent): WorkflowTaskOutcome {
    const name = EVENT_NAMES[event.eventType];
    if (name === undefined) throw new MachineMismatch(`a workflow task does not take ${eventTypeName(event.eventType)}`);
    this.state = step(transitions, "WorkflowTask", this.state, name);
    const a = event.attributes;
    switch (a.case) {
      case "workflowTaskStartedEventAttributes": {
        this.startedEventId = eventIdOf(event);
        this.startedTimeMs = eventTimeMs(event);
        if (this.startedEventId < this.lastStartedEventId) return { kind: "none" };
        return { kind: "taskStarted", startedEventId: this.lastStartedEventId, timeMs: this.startedTimeMs };
      }
      case "workflowTaskCompletedEventAttributes":
        return { kind: "taskStarted", startedEventId: this.startedEventId, timeMs: this.startedTimeMs };
      case "workflowTaskFailedEventAttributes":
        if (a.value.cause === WorkflowTaskFailedCause.RESET_WORKFLOW) return { kind: "reset", newRunId: a.value.newRunId };
        return { kind: "none" };
      default:
        return { kind: "none" };
    }
  }
}

export function eventTimeMs(event: HistoryEvent): number {
  const t = event.eventTime;
  if (t === undefined) return 0;
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

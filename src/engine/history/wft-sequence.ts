import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent, WorkflowTaskCompletedEventAttributes } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { eventIdOf, isCommandEvent, isFinalEvent } from "./events.ts";

/**
 * The events of a run not yet applied, cut into workflow-task sequences the
 * way sdk-core does (its history_update.rs): a sequence runs from after the
 * previous task's WorkflowTaskStarted up to and including the next
 * WorkflowTaskStarted that was completed (or is the last, open one).
 * Started tasks that failed or timed out do not end a sequence; neither does
 * a task heartbeat (Completed immediately followed by Scheduled, with no
 * command in between). Work per event is O(1) amortised: the cursor only
 * moves forward and each sequence is scanned a bounded number of times.
 */
export class HistoryCursor {
  private events: HistoryEvent[] = [];
  private pos = 0;
  /** True when the buffered events reach the end of the history known to the server. */
  hasLastWft = true;

  /** Adds events (a page, or the new events of a sticky task). Ids must continue the buffer. */
  append(events: readonly HistoryEvent[], hasLastWft: boolean): void {
    if (this.pos > 1024 && this.pos * 2 > this.events.length) {
      this.events = this.events.slice(this.pos);
      this.pos = 0;
    }
    const lastId = this.events.length > this.pos ? eventIdOf(this.events[this.events.length - 1]!) : 0;
    for (const e of events) {
      if (eventIdOf(e) > lastId) this.events.push(e);
    }
    this.hasLastWft = hasLastWft;
  }

  /** Whether no unapplied events remain. */
  get isEmpty(): boolean {
    return this.pos >= this.events.length;
  }

  /** Whether the next whole sequence is buffered (else a page must be fetched first). */
  canTakeNext(fromStartedId: number): boolean {
    this.skipTo(fromStartedId);
    const end = findEndOfNextSequence(this.events, this.pos, fromStartedId, this.hasLastWft);
    return end.complete || this.hasLastWft;
  }

  /**
   * Takes the next sequence. `isLast` says it is the final sequence of the
   * history (nothing follows it). Returns undefined when nothing is left or
   * (without the last task) when more events must be fetched.
   */
  takeNext(fromStartedId: number): { events: HistoryEvent[]; isLast: boolean } | undefined {
    this.skipTo(fromStartedId);
    if (this.pos >= this.events.length) return undefined;
    const end = findEndOfNextSequence(this.events, this.pos, fromStartedId, this.hasLastWft);
    if (!end.complete && !this.hasLastWft) return undefined;
    const taken = this.events.slice(this.pos, end.index + 1);
    this.pos = end.index + 1;
    return { events: taken, isLast: this.pos >= this.events.length && this.hasLastWft };
  }

  /** The sequence `takeNext` would return after the current one, without taking it (lookahead). */
  peekNext(fromStartedId: number): readonly HistoryEvent[] {
    let start = this.pos;
    while (start < this.events.length && eventIdOf(this.events[start]!) <= fromStartedId) start++;
    if (start >= this.events.length) return [];
    const end = findEndOfNextSequence(this.events, start, fromStartedId, this.hasLastWft);
    return this.events.slice(start, end.index + 1);
  }

  /** The first WorkflowTaskCompleted at or after `fromId` still buffered. */
  peekNextCompleted(fromId: number): WorkflowTaskCompletedEventAttributes | undefined {
    for (let i = this.pos; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (eventIdOf(e) < fromId) continue;
      if (e.attributes.case === "workflowTaskCompletedEventAttributes") return e.attributes.value;
    }
    return undefined;
  }

  private skipTo(fromStartedId: number): void {
    while (this.pos < this.events.length && eventIdOf(this.events[this.pos]!) <= fromStartedId) this.pos++;
  }
}

/** Index of the last event of the next sequence starting at `start`, and whether it is complete. */
export function findEndOfNextSequence(
  events: readonly HistoryEvent[],
  start: number,
  fromEventId: number,
  hasLastWft: boolean,
): { index: number; complete: boolean } {
  let lastIndex = start;
  let sawCommandOrStarted = false;
  let sawCommand = false;
  const startedIndexes: Array<[number, number]> = [];
  for (let ix = start; ix < events.length; ix++) {
    const e = events[ix]!;
    lastIndex = ix;
    if (eventIdOf(e) <= fromEventId) continue;
    const type = e.eventType;
    if (isCommandEvent(type)) {
      sawCommand = true;
      sawCommandOrStarted = true;
    }
    if (type === EventType.WORKFLOW_EXECUTION_STARTED) sawCommandOrStarted = true;
    if (isFinalEvent(type)) return { index: ix, complete: true };
    if (type !== EventType.WORKFLOW_TASK_STARTED) continue;
    startedIndexes.push([eventIdOf(e), ix]);
    const next = events[ix + 1];
    if (next !== undefined) {
      const nextType = next.eventType;
      if (
        nextType === EventType.WORKFLOW_TASK_FAILED ||
        nextType === EventType.WORKFLOW_TASK_TIMED_OUT ||
        nextType === EventType.WORKFLOW_EXECUTION_TIMED_OUT ||
        nextType === EventType.WORKFLOW_EXECUTION_TERMINATED ||
        nextType === EventType.WORKFLOW_EXECUTION_CANCELED
      ) {
        startedIndexes.pop();
        continue;
      }
      if (nextType === EventType.WORKFLOW_TASK_COMPLETED) {
        const nextNext = events[ix + 2];
        if (nextNext !== undefined) {
          if (!sawCommand && nextNext.eventType === EventType.WORKFLOW_TASK_SCHEDULED) continue;
          // An update accepted right after this task was sequenced at an earlier task: end there.
          if (nextNext.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes") {
            const seqId = Number(nextNext.attributes.value.acceptedRequestSequencingEventId);
            for (let k = startedIndexes.length - 1; k >= 0; k--) {
              const [eid, six] = startedIndexes[k]!;
              if (eid < seqId) return { index: six, complete: true };
            }
          }
          return { index: ix, complete: true };
        }
        if (!hasLastWft && !sawCommandOrStarted) continue;
      }
    } else if (!hasLastWft && !sawCommandOrStarted) {
      continue;
    }
    if (sawCommandOrStarted) return { index: ix, complete: true };
  }
  return { index: lastIndex, complete: false };
}

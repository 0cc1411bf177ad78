import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { EngineContext } from "../engine-context.ts";
import { type EventAttributes, makeEvent } from "../history/events.ts";
import type { BufferedEvent, RunState } from "./run-state.ts";
import { ensureWorkflowTask, makeScheduledTaskDurable } from "./workflow-tasks.ts";

/** The id the next written event gets. */
export function nextEventId(run: RunState): bigint {
  return BigInt(run.history.length + 1);
}

/** Appends an event to the history now. */
export function writeEvent(ctx: EngineContext, run: RunState, attributes: EventAttributes, timeMs = ctx.clock.now()): HistoryEvent {
  const event = makeEvent(nextEventId(run), timeMs, attributes);
  run.history.push(event);
  notifyWatchers(run);
  return event;
}

/**
 * Records an event that the workflow must see (a signal, an activity
 * result, a fired timer...). While a workflow task is started the event is
 * buffered, as a real server does, and written when that task ends; otherwise
 * it is written at once and a workflow task is scheduled if none is. Events
 * given together (ActivityTaskStarted and its closing event) stay together.
 */
export function addEvent(ctx: EngineContext, run: RunState, ...events: BufferedEvent[]): void {
  if (run.wft?.state === "started") {
    run.buffered.push(...events);
    return;
  }
  for (const event of events) writeEvent(ctx, run, typeof event === "function" ? event() : event);
  if (run.wft?.state === "scheduled") makeScheduledTaskDurable(ctx, run);
  else ensureWorkflowTask(ctx, run);
}

/** Writes buffered events; returns whether there were any. */
export function flushBuffered(ctx: EngineContext, run: RunState): boolean {
  const events = run.buffered.splice(0, run.buffered.length);
  for (const event of events) writeEvent(ctx, run, typeof event === "function" ? event() : event);
  return events.length > 0;
}

export function notifyWatchers(run: RunState): void {
  for (const watcher of [...run.watchers]) watcher();
}

import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { EventType } from "../../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { type HistoryEvent, HistoryEventSchema } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { timestamp } from "../time.ts";

/** The attributes of one history event: `{ case: "timerFiredEventAttributes", value: {...} }`. */
export type EventAttributes = Exclude<MessageInitShape<typeof HistoryEventSchema>["attributes"], undefined | { case: undefined }>;

const typeCache = new Map<string, EventType>();

/** "timerFiredEventAttributes" -> EventType.TIMER_FIRED, derived from the proto naming scheme. */
export function eventTypeOf(attributesCase: string): EventType {
  let type = typeCache.get(attributesCase);
  if (type === undefined) {
    const snake = attributesCase
      .replace(/EventAttributes$/, "")
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .toUpperCase();
    type = (EventType as unknown as Record<string, EventType>)[snake];
    if (type === undefined) throw new Error(`no EventType for history attributes "${attributesCase}"`);
    typeCache.set(attributesCase, type);
  }
  return type;
}

export function makeEvent(eventId: bigint, timeMs: number, attributes: EventAttributes): HistoryEvent {
  return create(HistoryEventSchema, {
    eventId,
    eventTime: timestamp(timeMs),
    eventType: eventTypeOf(attributes.case),
    taskId: eventId,
    attributes,
  });
}

/** Events that close a run. */
export const closeEventTypes: ReadonlySet<EventType> = new Set([
  EventType.WORKFLOW_EXECUTION_COMPLETED,
  EventType.WORKFLOW_EXECUTION_FAILED,
  EventType.WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.WORKFLOW_EXECUTION_CANCELED,
  EventType.WORKFLOW_EXECUTION_TERMINATED,
  EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

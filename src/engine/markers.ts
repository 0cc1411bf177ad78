import { create } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, type Timestamp, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { type Payload, PayloadSchema, type Payloads, PayloadsSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";

/**
 * The marker formats sdk-core writes, byte for byte where it matters, so
 * histories move between this worker and the official ones.
 */
export const PATCH_MARKER_NAME = "core_patch";
export const LOCAL_ACTIVITY_MARKER_NAME = "core_local_activity";
/** The search attribute listing a run's patches (a KeywordList), upserted with each new patch. */
export const CHANGE_VERSION_SEARCH_ATTRIBUTE = "TemporalChangeVersion";
/** The server refuses larger search-attribute values by default; sdk-core then skips the upsert. */
export const MAX_SEARCH_ATTRIBUTE_PAYLOAD_BYTES = 2048;

const PATCH_DETAILS_KEY = "patch-data";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A `json/plain` payload of a value, as sdk-core's serde-based `as_json_payload`. */
export function jsonPayload(value: unknown, extraMetadata: Record<string, string> = {}): Payload {
  const metadata: Record<string, Uint8Array> = { encoding: encoder.encode("json/plain") };
  for (const [k, v] of Object.entries(extraMetadata)) metadata[k] = encoder.encode(v);
  return create(PayloadSchema, { metadata, data: encoder.encode(JSON.stringify(value)) });
}

function parseJsonPayload(p: Payload | undefined): unknown {
  if (p === undefined) return undefined;
  try {
    return JSON.parse(decoder.decode(p.data)) as unknown;
  } catch {
    return undefined;
  }
}

/** The details of a `core_patch` marker: `{"patch-data": {"id", "deprecated"}}` as JSON. */
export function patchMarkerDetails(patchId: string, deprecated: boolean): Record<string, Payloads> {
  return { [PATCH_DETAILS_KEY]: create(PayloadsSchema, { payloads: [jsonPayload({ id: patchId, deprecated })] }) };
}

/**
 * The patch id and deprecation of a `core_patch` marker event, or undefined
 * for any other event. Reads the JSON form and the older form of plain
 * `patch_id` bytes and a `deprecated` byte (sdk-core/old_change_marker_format).
 */
export function patchMarkerOf(event: HistoryEvent): { patchId: string; deprecated: boolean } | undefined {
  const a = event.attributes;
  if (a.case !== "markerRecordedEventAttributes" || a.value.markerName !== PATCH_MARKER_NAME) return undefined;
  const details = a.value.details;
  const json = details[PATCH_DETAILS_KEY];
  if (json !== undefined) {
    const data = parseJsonPayload(json.payloads[0]) as { id?: unknown; deprecated?: unknown } | undefined;
    if (typeof data?.id !== "string") return undefined;
    return { patchId: data.id, deprecated: data.deprecated === true };
  }
  const id = details.patch_id?.payloads[0];
  const deprecated = details.deprecated?.payloads[0];
  if (id === undefined || deprecated === undefined) return undefined;
  return { patchId: decoder.decode(id.data), deprecated: (deprecated.data[0] ?? 0) !== 0 };
}

/** What a `core_local_activity` marker records besides the result (sdk-core's LocalActivityMarkerData). */
export interface LocalActivityMarkerData {
  seq: number;
  attempt: number;
  activityId: string;
  activityType: string;
  completeTime: Timestamp | undefined;
  backoff: Duration | undefined;
  originalScheduleTime: Timestamp | undefined;
}

/** A local activity marker read back: its data and its outcome (the result payload or the failure). */
export interface LocalActivityMarker {
  data: LocalActivityMarkerData;
  outcome: { ok: true; result: Payload | undefined } | { ok: false; failure: Failure };
}

type JsonTime = { seconds: number; nanos: number } | null;

function timeToJson(t: { seconds: bigint; nanos: number } | undefined): JsonTime {
  return t === undefined ? null : { seconds: Number(t.seconds), nanos: t.nanos };
}

function timeFromJson(v: unknown): { seconds: bigint; nanos: number } | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as { seconds?: unknown; nanos?: unknown };
  if (typeof o.seconds !== "number") return undefined;
  return { seconds: BigInt(o.seconds), nanos: typeof o.nanos === "number" ? o.nanos : 0 };
}

const asTimestamp = (t: { seconds: bigint; nanos: number } | undefined) => (t === undefined ? undefined : create(TimestampSchema, t));
const asDuration = (t: { seconds: bigint; nanos: number } | undefined) => (t === undefined ? undefined : create(DurationSchema, t));

/** The details of a `core_local_activity` marker; field order and snake_case keys as sdk-core's serde output. */
export function localActivityMarkerDetails(data: LocalActivityMarkerData, result: Payload | undefined): Record<string, Payloads> {
  const json = {
    seq: data.seq,
    attempt: data.attempt,
    activity_id: data.activityId,
    activity_type: data.activityType,
    complete_time: timeToJson(data.completeTime),
    backoff: timeToJson(data.backoff),
    original_schedule_time: timeToJson(data.originalScheduleTime),
  };
  const details: Record<string, Payloads> = { data: create(PayloadsSchema, { payloads: [jsonPayload(json)] }) };
  if (result !== undefined) details.result = create(PayloadsSchema, { payloads: [result] });
  return details;
}

export function isLocalActivityMarker(event: HistoryEvent): boolean {
  const a = event.attributes;
  return a.case === "markerRecordedEventAttributes" && a.value.markerName === LOCAL_ACTIVITY_MARKER_NAME;
}

/** Reads a `core_local_activity` marker; undefined when the event is not one or its data is unreadable. */
export function localActivityMarkerOf(event: HistoryEvent): LocalActivityMarker | undefined {
  const a = event.attributes;
  if (a.case !== "markerRecordedEventAttributes" || a.value.markerName !== LOCAL_ACTIVITY_MARKER_NAME) return undefined;
  const raw = parseJsonPayload(a.value.details.data?.payloads[0]) as Record<string, unknown> | undefined;
  if (raw === undefined || typeof raw.seq !== "number") return undefined;
  const data: LocalActivityMarkerData = {
    seq: raw.seq,
    attempt: typeof raw.attempt === "number" ? raw.attempt : 1,
    activityId: typeof raw.activity_id === "string" ? raw.activity_id : "",
    activityType: typeof raw.activity_type === "string" ? raw.activity_type : "",
    completeTime: asTimestamp(timeFromJson(raw.complete_time)),
    backoff: asDuration(timeFromJson(raw.backoff)),
    originalScheduleTime: asTimestamp(timeFromJson(raw.original_schedule_time)),
  };
  const failure = a.value.failure;
  // As sdk-core: a failure wins over a result; neither means an empty success.
  const outcome: LocalActivityMarker["outcome"] =
    failure !== undefined ? { ok: false, failure } : { ok: true, result: a.value.details.result?.payloads[0] };
  return { data, outcome };
}

// Synchronous helpers over a PayloadConverter, usable inside workflow code
// (no codecs, no promises).
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { PayloadConverter } from "./types.ts";

/** One payload per value, in order. */
export function toPayloads(converter: PayloadConverter, ...values: unknown[]): Payload[] {
  const payloads = new Array<Payload>(values.length);
  for (let i = 0; i < values.length; i++) payloads[i] = converter.toPayload(values[i]);
  return payloads;
}

/**
 * The value at `index`, or undefined when there is no payload there, so a
 * workflow or activity that gains a parameter still reads old inputs.
 */
export function fromPayloadsAtIndex<T>(converter: PayloadConverter, index: number, payloads?: Payload[] | null): T {
  const payload = payloads?.[index];
  return (payload === undefined ? undefined : converter.fromPayload<T>(payload)) as T;
}

/** Every value, in order; an absent list gives []. */
export function arrayFromPayloads(converter: PayloadConverter, payloads?: Payload[] | null): unknown[] {
  if (!payloads) return [];
  const values = new Array<unknown>(payloads.length);
  for (let i = 0; i < payloads.length; i++) values[i] = converter.fromPayload(payloads[i] as Payload);
  return values;
}

/** A record of values to a record of payloads (memo, headers). */
export function mapToPayloads<K extends string>(
  converter: PayloadConverter,
  record: Readonly<Record<K, unknown>>,
): Record<K, Payload> {
  const out = {} as Record<K, Payload>;
  for (const key of Object.keys(record) as K[]) out[key] = converter.toPayload(record[key]);
  return out;
}

/** A record of payloads to a record of values; an absent map gives undefined. */
export function mapFromPayloads<K extends string>(
  converter: PayloadConverter,
  map?: Readonly<Record<K, Payload>> | null,
): Record<K, unknown> | undefined {
  if (map === undefined || map === null) return undefined;
  const out = {} as Record<K, unknown>;
  for (const key of Object.keys(map) as K[]) out[key] = converter.fromPayload(map[key]);
  return out;
}

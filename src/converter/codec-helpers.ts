// Asynchronous helpers that run payload codecs: everything that crosses the
// wire (inputs, results, heartbeat details, signal/query/update arguments,
// memo, failure details) goes through these. Search attributes do not: the
// server must read them.
import { isMessage } from "@bufbuild/protobuf";
import { type Payload, PayloadSchema, type Payloads } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { LoadedDataConverter } from "./data-converter.ts";
import { makePayload, payloadEncoding } from "./encoding.ts";
import { DataConverterError, messageOf } from "./errors.ts";
import { arrayFromPayloads, fromPayloadsAtIndex, toPayloads } from "./payload-helpers.ts";
import type { PayloadCodec } from "./types.ts";

/** Runs the codecs in order (the first codec sees the converter's output). */
export async function encodePayloads(ldc: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let current = payloads;
  const codecs = ldc.payloadCodecs;
  for (let i = 0; i < codecs.length; i++) current = await runCodec(codecs[i] as PayloadCodec, i, "encode", current);
  return current;
}

/** Runs the codecs in reverse order, undoing encodePayloads. */
export async function decodePayloads(ldc: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let current = payloads;
  const codecs = ldc.payloadCodecs;
  for (let i = codecs.length - 1; i >= 0; i--) current = await runCodec(codecs[i] as PayloadCodec, i, "decode", current);
  return current;
}

async function runCodec(
  codec: PayloadCodec,
  index: number,
  operation: "encode" | "decode",
  payloads: Payload[],
): Promise<Payload[]> {
  if (payloads.length === 0) return payloads;
  let out: unknown;
  try {
    out = await codec[operation](payloads);
  } catch (err) {
    throw new DataConverterError(
      `Payload codec #${index} (${codecName(codec)}) failed to ${operation} ${describePayloads(payloads)}: ${messageOf(err)}`,
      { cause: err, operation, codecIndex: index },
    );
  }
  if (!Array.isArray(out)) {
    throw new DataConverterError(
      `Payload codec #${index} (${codecName(codec)}) returned ${out === null ? "null" : typeof out} from ${operation}() ` +
        `for ${describePayloads(payloads)}; it must resolve to an array of payloads`,
      { operation, codecIndex: index },
    );
  }
  // Codecs written for the official SDK return plain { metadata, data }
  // objects; make them full messages so serialization never meets a hole.
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as { metadata?: Payload["metadata"]; data?: Uint8Array } | null | undefined;
    if (typeof p !== "object" || p === null) {
      throw new DataConverterError(
        `Payload codec #${index} (${codecName(codec)}) returned ${p === null ? "null" : typeof p} at position ${i} from ${operation}(); expected a payload`,
        { operation, codecIndex: index },
      );
    }
    if (!isMessage(p, PayloadSchema)) out[i] = makePayload(p.metadata ?? {}, p.data ?? new Uint8Array(0));
  }
  return out as Payload[];
}

function codecName(codec: PayloadCodec): string {
  const name = (codec as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "Object" ? name : "anonymous codec";
}

function describePayloads(payloads: Payload[]): string {
  const encodings = [...new Set(payloads.map((p) => payloadEncoding(p) ?? "no encoding"))];
  return `${payloads.length} payload${payloads.length === 1 ? "" : "s"} (encoding ${encodings.join(", ")})`;
}

/** Converts then encodes values: activity/workflow inputs and results, signal arguments. */
export async function encodeToPayloads(ldc: LoadedDataConverter, ...values: unknown[]): Promise<Payload[]> {
  return encodePayloads(ldc, toPayloads(ldc.payloadConverter, ...values));
}

export async function encodeToPayload(ldc: LoadedDataConverter, value: unknown): Promise<Payload> {
  const [payload] = await encodePayloads(ldc, [ldc.payloadConverter.toPayload(value)]);
  if (payload === undefined) {
    throw new DataConverterError("The payload codecs turned one payload into none on encode; a codec must keep the count", {
      operation: "encode",
      codecIndex: -1,
    });
  }
  return payload;
}

export async function decodeArrayFromPayloads(ldc: LoadedDataConverter, payloads?: Payload[] | null): Promise<unknown[]> {
  if (!payloads || payloads.length === 0) return [];
  return arrayFromPayloads(ldc.payloadConverter, await decodePayloads(ldc, payloads));
}

export async function decodeFromPayloadsAtIndex<T>(
  ldc: LoadedDataConverter,
  index: number,
  payloads?: Payload[] | null,
): Promise<T> {
  const payload = payloads?.[index];
  if (payload === undefined) return undefined as T;
  return fromPayloadsAtIndex<T>(ldc.payloadConverter, 0, await decodePayloads(ldc, [payload]));
}

/** Encodes each value of a memo or header map. */
export async function encodeMap<K extends string>(
  ldc: LoadedDataConverter,
  map: Readonly<Record<K, Payload>>,
): Promise<Record<K, Payload>> {
  return transformMap(map, "encode", (payloads) => encodePayloads(ldc, payloads));
}

/** Decodes each value of a memo or header map. */
export async function decodeMap<K extends string>(
  ldc: LoadedDataConverter,
  map: Readonly<Record<K, Payload>>,
): Promise<Record<K, Payload>> {
  return transformMap(map, "decode", (payloads) => decodePayloads(ldc, payloads));
}

async function transformMap<K extends string>(
  map: Readonly<Record<K, Payload>>,
  operation: "encode" | "decode",
  fn: (payloads: Payload[]) => Promise<Payload[]>,
): Promise<Record<K, Payload>> {
  const keys = Object.keys(map) as K[];
  // One codec call for the whole map: a remote codec (KMS) sees one request.
  const out = await fn(keys.map((k) => map[k]));
  if (out.length !== keys.length) {
    throw new DataConverterError(
      `The payload codecs turned ${keys.length} map values into ${out.length} on ${operation}; a codec must keep the count`,
      { operation, codecIndex: -1 },
    );
  }
  const result = {} as Record<K, Payload>;
  keys.forEach((k, i) => {
    result[k] = out[i] as Payload;
  });
  return result;
}

/** Converts an error to a Failure and encodes every payload inside it. */
export async function encodeErrorToFailure(ldc: LoadedDataConverter, err: unknown): Promise<Failure> {
  return encodeFailure(ldc, ldc.failureConverter.errorToFailure(err, ldc.payloadConverter));
}

/** Decodes every payload inside a Failure, then converts it to an Error. */
export async function decodeFailureToError(ldc: LoadedDataConverter, failure: Failure): Promise<Error> {
  return ldc.failureConverter.failureToError(await decodeFailure(ldc, failure), ldc.payloadConverter);
}

/** A copy of `failure` with the codecs' encode run over all its payloads, through the cause chain. */
export function encodeFailure(ldc: LoadedDataConverter, failure: Failure): Promise<Failure> {
  return mapFailurePayloads(failure, (payloads) => encodePayloads(ldc, payloads));
}

/** A copy of `failure` with the codecs' decode run over all its payloads, through the cause chain. */
export function decodeFailure(ldc: LoadedDataConverter, failure: Failure): Promise<Failure> {
  return mapFailurePayloads(failure, (payloads) => decodePayloads(ldc, payloads));
}

async function mapFailurePayloads(failure: Failure, fn: (payloads: Payload[]) => Promise<Payload[]>): Promise<Failure> {
  const out: Failure = { ...failure };
  if (failure.encodedAttributes !== undefined) {
    out.encodedAttributes = (await fn([failure.encodedAttributes]))[0];
  }
  if (failure.cause !== undefined) out.cause = await mapFailurePayloads(failure.cause, fn);
  const info = failure.failureInfo;
  switch (info.case) {
    case "applicationFailureInfo":
    case "canceledFailureInfo":
      if (info.value.details !== undefined) {
        out.failureInfo = { case: info.case, value: { ...info.value, details: await mapPayloads(info.value.details, fn) } } as Failure["failureInfo"];
      }
      break;
    case "timeoutFailureInfo":
    case "resetWorkflowFailureInfo":
      if (info.value.lastHeartbeatDetails !== undefined) {
        out.failureInfo = {
          case: info.case,
          value: { ...info.value, lastHeartbeatDetails: await mapPayloads(info.value.lastHeartbeatDetails, fn) },
        } as Failure["failureInfo"];
      }
      break;
  }
  return out;
}

async function mapPayloads(payloads: Payloads, fn: (payloads: Payload[]) => Promise<Payload[]>): Promise<Payloads> {
  return { ...payloads, payloads: await fn(payloads.payloads) };
}

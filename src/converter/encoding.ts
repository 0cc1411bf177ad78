// Payload metadata keys, encoding names and UTF-8 helpers shared by the
// converters. One TextEncoder/TextDecoder each: they are on every payload.
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";

export const METADATA_ENCODING_KEY = "encoding";
export const METADATA_MESSAGE_TYPE_KEY = "messageType";

export const encodingTypes = {
  METADATA_ENCODING_NULL: "binary/null",
  METADATA_ENCODING_RAW: "binary/plain",
  METADATA_ENCODING_JSON: "json/plain",
  METADATA_ENCODING_PROTOBUF_JSON: "json/protobuf",
  METADATA_ENCODING_PROTOBUF: "binary/protobuf",
} as const;

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF, as the official SDK's decoder does, so
// the same bytes give the same string (and the same JSON errors) on both.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The encoding name of a payload, or undefined when it has none. Payloads of
 * the built-in encodings compare against cached bytes first, which avoids a
 * UTF-8 decode per payload on the hot path.
 */
export function payloadEncoding(payload: Payload): string | undefined {
  const bytes = payload.metadata[METADATA_ENCODING_KEY];
  if (bytes === undefined) return undefined;
  for (const [name, known] of knownEncodingBytes) {
    if (bytesEqual(bytes, known)) return name;
  }
  return decodeUtf8(bytes);
}

const knownEncodingBytes: ReadonlyArray<readonly [string, Uint8Array]> = Object.values(encodingTypes).map(
  (name) => [name, encodeUtf8(name)] as const,
);

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A new Payload. `metadata` is used as given (not copied); callers pass a
 * fresh object, since codecs may add keys to it. A literal rather than
 * create(PayloadSchema): the same plain object, about ten times cheaper, and
 * the Payload type makes the compiler flag any field the schema gains.
 */
export function makePayload(metadata: { [key: string]: Uint8Array }, data: Uint8Array): Payload {
  return { $typeName: "temporal.api.common.v1.Payload", metadata, data, externalPayloads: [] };
}

// The built-in payload converters and the composite that tries them in order.
// Encodings, metadata and bytes are those of @temporalio/common, so payloads
// cross between this worker and every official SDK unchanged.
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { decodeUtf8, encodeUtf8, encodingTypes, METADATA_ENCODING_KEY, makePayload, payloadEncoding } from "./encoding.ts";
import { describeValue, messageOf, PayloadConverterError, ValueError } from "./errors.ts";
import type { PayloadConverter, PayloadConverterWithEncoding } from "./types.ts";

// Encoding metadata values, shared by every payload a converter makes: they
// are never written to, and one allocation per payload fewer matters here.
const NULL_ENCODING = encodeUtf8(encodingTypes.METADATA_ENCODING_NULL);
const RAW_ENCODING = encodeUtf8(encodingTypes.METADATA_ENCODING_RAW);
const JSON_ENCODING = encodeUtf8(encodingTypes.METADATA_ENCODING_JSON);
const EMPTY = new Uint8Array(0);

/** `undefined` <-> a `binary/null` payload (no data). `null` goes to JSON, as in the official SDK. */
export class UndefinedPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.METADATA_ENCODING_NULL;

  toPayload(value: unknown): Payload | undefined {
    if (value !== undefined) return undefined;
    return makePayload({ [METADATA_ENCODING_KEY]: NULL_ENCODING }, EMPTY);
  }

  fromPayload<T>(_payload: Payload): T {
    return undefined as T;
  }
}

/** `Uint8Array` <-> a `binary/plain` payload carrying the bytes as they are (no copy). */
export class BinaryPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.METADATA_ENCODING_RAW;

  toPayload(value: unknown): Payload | undefined {
    if (!(value instanceof Uint8Array)) return undefined;
    return makePayload({ [METADATA_ENCODING_KEY]: RAW_ENCODING }, value);
  }

  fromPayload<T>(payload: Payload): T {
    const data = payload.data;
    // Bytes parsed from a Node Buffer are Buffers; hand out a plain
    // Uint8Array view (no copy) so user code sees the same type everywhere.
    return (data.constructor === Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as T;
  }
}

/**
 * Any other value <-> a `json/plain` payload (UTF-8 JSON). As the last
 * converter of the default chain it takes everything left, so a value JSON
 * cannot carry (a BigInt, a cycle, a function) is an error here, with the
 * reason, rather than a silent "no converter".
 */
export class JsonPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType = encodingTypes.METADATA_ENCODING_JSON;

  toPayload(value: unknown): Payload | undefined {
    if (value === undefined) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch (err) {
      throw new ValueError(
        `Cannot convert ${describeValue(value)} to a json/plain payload: ${messageOf(err)}. ` +
          "Pass JSON-serializable values (convert BigInt to string, remove cycles) or add a custom PayloadConverter",
        { cause: err, encoding: this.encodingType },
      );
    }
    if (json === undefined) {
      throw new ValueError(
        `Cannot convert ${describeValue(value)} to a json/plain payload: JSON has no representation for it. ` +
          "Pass JSON-serializable values or add a custom PayloadConverter",
        { encoding: this.encodingType },
      );
    }
    return makePayload({ [METADATA_ENCODING_KEY]: JSON_ENCODING }, encodeUtf8(json));
  }

  fromPayload<T>(payload: Payload): T {
    const text = decodeUtf8(payload.data);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const what = payload.data.length === 0 ? "it has no data" : `its ${payload.data.length} bytes are not valid JSON (${messageOf(err)})`;
      throw new PayloadConverterError(
        `Cannot decode a json/plain payload: ${what}. Check that the sender's payload converter and codecs match this worker's`,
        { cause: err, encoding: this.encodingType },
      );
    }
  }
}

/**
 * Tries its converters in order to make a payload; reads a payload with the
 * converter named by its `encoding` metadata.
 */
export class CompositePayloadConverter implements PayloadConverter {
  readonly converters: readonly PayloadConverterWithEncoding[];
  readonly converterByEncoding = new Map<string, PayloadConverterWithEncoding>();

  constructor(...converters: PayloadConverterWithEncoding[]) {
    if (converters.length === 0) {
      throw new PayloadConverterError("CompositePayloadConverter needs at least one PayloadConverterWithEncoding");
    }
    this.converters = converters;
    for (const converter of converters) this.converterByEncoding.set(converter.encodingType, converter);
  }

  toPayload(value: unknown): Payload {
    for (const converter of this.converters) {
      let payload: Payload | undefined;
      try {
        payload = converter.toPayload(value);
      } catch (err) {
        if (err instanceof ValueError) throw err;
        throw new ValueError(
          `The ${converter.encodingType} payload converter failed to convert ${describeValue(value)}: ${messageOf(err)}`,
          { cause: err, encoding: converter.encodingType },
        );
      }
      if (payload !== undefined) return payload;
    }
    throw new ValueError(
      `Cannot convert ${describeValue(value)} to a payload: none of the encodings ${this.encodingList()} accepts it`,
    );
  }

  fromPayload<T>(payload: Payload): T {
    const encoding = payloadEncoding(payload);
    if (encoding === undefined) {
      throw new PayloadConverterError(
        `Cannot decode a payload without "${METADATA_ENCODING_KEY}" metadata (keys present: ${Object.keys(payload.metadata).join(", ") || "none"}). ` +
          "Was it encoded by a codec that this worker does not have?",
      );
    }
    const converter = this.converterByEncoding.get(encoding);
    if (converter === undefined) {
      throw new PayloadConverterError(
        `Cannot decode a payload with unknown encoding "${encoding}"; this converter knows ${this.encodingList()}. ` +
          "Add a PayloadConverterWithEncoding or a PayloadCodec for it, matching the sender's data converter",
        { encoding },
      );
    }
    try {
      return converter.fromPayload<T>(payload);
    } catch (err) {
      if (err instanceof ValueError) throw err;
      throw new PayloadConverterError(`Cannot decode a ${encoding} payload: ${messageOf(err)}`, { cause: err, encoding });
    }
  }

  private encodingList(): string {
    return this.converters.map((c) => c.encodingType).join(", ");
  }
}

/** The default chain, in the official order: binary/null, binary/plain, json/plain. */
export class DefaultPayloadConverter extends CompositePayloadConverter {
  constructor() {
    super(new UndefinedPayloadConverter(), new BinaryPayloadConverter(), new JsonPayloadConverter());
  }
}

export const defaultPayloadConverter: PayloadConverter = new DefaultPayloadConverter();

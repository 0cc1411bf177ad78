// Payload converters for protobuf-es messages, with the encodings and the
// `messageType` metadata of the official SDK's protobuf converters (which
// work on protobufjs objects): a message sent by either side is read by the
// other. Opt-in, as there: the default converter does not include them.
import {
  type DescMessage,
  fromBinary,
  fromJsonString,
  isMessage,
  type Message,
  type Registry,
  toBinary,
  toJsonString,
} from "@bufbuild/protobuf";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { decodeUtf8, encodeUtf8, encodingTypes, METADATA_ENCODING_KEY, METADATA_MESSAGE_TYPE_KEY, makePayload } from "./encoding.ts";
import { messageOf, PayloadConverterError, ValueError } from "./errors.ts";
import {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "./payload-converters.ts";
import type { PayloadConverterWithEncoding } from "./types.ts";

abstract class ProtobufPayloadConverter implements PayloadConverterWithEncoding {
  readonly encodingType: string;
  /** Message types by full name; needed to encode and to decode. */
  readonly registry: Registry | undefined;
  private readonly encodingBytes: Uint8Array;

  constructor(encodingType: string, registry: Registry | undefined) {
    this.encodingType = encodingType;
    this.registry = registry;
    this.encodingBytes = encodeUtf8(encodingType);
  }

  protected abstract serialize(schema: DescMessage, message: Message): Uint8Array;
  protected abstract parse(schema: DescMessage, data: Uint8Array): Message;

  toPayload(value: unknown): Payload | undefined {
    if (!isMessage(value)) return undefined;
    const schema = this.schemaOf(value.$typeName, "encode");
    return makePayload(
      {
        [METADATA_ENCODING_KEY]: this.encodingBytes,
        [METADATA_MESSAGE_TYPE_KEY]: encodeUtf8(value.$typeName),
      },
      this.serialize(schema, value),
    );
  }

  fromPayload<T>(payload: Payload): T {
    const typeBytes = payload.metadata[METADATA_MESSAGE_TYPE_KEY];
    if (typeBytes === undefined) {
      throw new PayloadConverterError(
        `Cannot decode a ${this.encodingType} payload without "${METADATA_MESSAGE_TYPE_KEY}" metadata: the message type is unknown`,
        { encoding: this.encodingType },
      );
    }
    const schema = this.schemaOf(decodeUtf8(typeBytes), "decode");
    try {
      return this.parse(schema, payload.data) as T;
    } catch (err) {
      throw new PayloadConverterError(
        `Cannot decode a ${this.encodingType} payload of ${schema.typeName}: ${messageOf(err)}`,
        { cause: err, encoding: this.encodingType },
      );
    }
  }

  private schemaOf(typeName: string, operation: "encode" | "decode"): DescMessage {
    const schema = this.registry?.getMessage(typeName);
    if (schema !== undefined) return schema;
    const ErrorClass = operation === "encode" ? ValueError : PayloadConverterError;
    const fix = `pass a registry that has it, e.g. new ${this.constructor.name}(createRegistry(${typeName.split(".").pop()}Schema))`;
    throw new ErrorClass(
      this.registry === undefined
        ? `Cannot ${operation} protobuf message ${typeName} as ${this.encodingType}: the converter has no registry; ${fix}`
        : `Cannot ${operation} protobuf message ${typeName} as ${this.encodingType}: the type is not in the converter's registry; ${fix}`,
      { encoding: this.encodingType },
    );
  }
}

/** protobuf-es messages <-> `binary/protobuf` payloads (the wire format). */
export class ProtobufBinaryPayloadConverter extends ProtobufPayloadConverter {
  constructor(registry?: Registry) {
    super(encodingTypes.METADATA_ENCODING_PROTOBUF, registry);
  }

  protected serialize(schema: DescMessage, message: Message): Uint8Array {
    return toBinary(schema, message);
  }

  protected parse(schema: DescMessage, data: Uint8Array): Message {
    return fromBinary(schema, data);
  }
}

/** protobuf-es messages <-> `json/protobuf` payloads (canonical proto3 JSON). */
export class ProtobufJsonPayloadConverter extends ProtobufPayloadConverter {
  constructor(registry?: Registry) {
    super(encodingTypes.METADATA_ENCODING_PROTOBUF_JSON, registry);
  }

  protected serialize(schema: DescMessage, message: Message): Uint8Array {
    return encodeUtf8(toJsonString(schema, message, this.registry ? { registry: this.registry } : {}));
  }

  protected parse(schema: DescMessage, data: Uint8Array): Message {
    return fromJsonString(schema, decodeUtf8(data), { ignoreUnknownFields: true, ...(this.registry ? { registry: this.registry } : {}) });
  }
}

/**
 * The default chain plus protobuf, in the official order: binary/null,
 * binary/plain, json/protobuf, binary/protobuf, json/plain. Messages are
 * therefore written as json/protobuf; both protobuf encodings are read.
 */
export class DefaultPayloadConverterWithProtobufs extends CompositePayloadConverter {
  constructor(options: { protobufRegistry: Registry }) {
    super(
      new UndefinedPayloadConverter(),
      new BinaryPayloadConverter(),
      new ProtobufJsonPayloadConverter(options.protobufRegistry),
      new ProtobufBinaryPayloadConverter(options.protobufRegistry),
      new JsonPayloadConverter(),
    );
  }
}

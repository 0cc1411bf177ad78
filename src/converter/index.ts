export type {
  DataConverter,
  Failure,
  FailureConverter,
  Payload,
  PayloadCodec,
  PayloadConverter,
  PayloadConverterWithEncoding,
} from "./types.ts";
export {
  BinaryPayloadConverter,
  CompositePayloadConverter,
  DefaultPayloadConverter,
  defaultPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "./payload-converters.ts";
export {
  DefaultPayloadConverterWithProtobufs,
  ProtobufBinaryPayloadConverter,
  ProtobufJsonPayloadConverter,
} from "./protobuf-converters.ts";
export {
  type DefaultEncodedFailureAttributes,
  DefaultFailureConverter,
  type DefaultFailureConverterOptions,
  defaultFailureConverter,
} from "./failure-converter.ts";
export { defaultDataConverter, type LoadedDataConverter, loadDataConverter } from "./data-converter.ts";
export { arrayFromPayloads, fromPayloadsAtIndex, mapFromPayloads, mapToPayloads, toPayloads } from "./payload-helpers.ts";
export {
  decodeArrayFromPayloads,
  decodeFailure,
  decodeFailureToError,
  decodeFromPayloadsAtIndex,
  decodeMap,
  decodePayloads,
  encodeErrorToFailure,
  encodeFailure,
  encodeMap,
  encodePayloads,
  encodeToPayload,
  encodeToPayloads,
} from "./codec-helpers.ts";
export { DataConverterError, PayloadConverterError, ValueError } from "./errors.ts";
export {
  type AesGcmCodecOptions,
  type AesKey,
  createAesGcmCodec,
  ENCRYPTED_ENCODING,
  METADATA_ENCRYPTION_KEY_ID,
} from "./aes-gcm-codec.ts";

// ---- for custom converters and codecs ----
export {
  decodeUtf8,
  encodeUtf8,
  encodingTypes,
  METADATA_ENCODING_KEY,
  METADATA_MESSAGE_TYPE_KEY,
  makePayload,
  payloadEncoding,
} from "./encoding.ts";

import {
  type DataConverter,
  decodeArrayFromPayloads,
  decodeFailureToError,
  decodeFromPayloadsAtIndex,
  decodeMap,
  encodeErrorToFailure,
  encodeMap,
  encodeToPayloads,
  loadDataConverter,
  mapFromPayloads,
  mapToPayloads,
} from "../converter/index.ts";
import type { ClientPayloads } from "./payloads.ts";

/** The client's conversion seam over the project's converter, with the user's converters and codecs. */
export function createClientPayloads(dataConverter?: DataConverter): ClientPayloads {
  const ldc = loadDataConverter(dataConverter);
  return {
    toPayloads: (values) => encodeToPayloads(ldc, ...values),
    fromPayloads: (payloads) => decodeArrayFromPayloads(ldc, payloads ? [...payloads] : undefined),
    fromPayloadAt: (index, payloads) => decodeFromPayloadsAtIndex(ldc, index, payloads ? [...payloads] : undefined),
    toPayloadMap: async (map) => encodeMap(ldc, mapToPayloads(ldc.payloadConverter, map)),
    fromPayloadMap: async (map) => mapFromPayloads(ldc.payloadConverter, map ? await decodeMap(ldc, map) : undefined),
    failureToError: (failure) => decodeFailureToError(ldc, failure),
    errorToFailure: (err) => encodeErrorToFailure(ldc, err),
  };
}

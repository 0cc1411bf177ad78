// A DataConverter with its defaults filled in, as the worker, the workflow
// runtime and the client use it.
import { defaultFailureConverter } from "./failure-converter.ts";
import { defaultPayloadConverter } from "./payload-converters.ts";
import type { DataConverter, FailureConverter, PayloadCodec, PayloadConverter } from "./types.ts";

export interface LoadedDataConverter {
  payloadConverter: PayloadConverter;
  failureConverter: FailureConverter;
  /** Applied in order on encode, in reverse order on decode. */
  payloadCodecs: PayloadCodec[];
}

/** Fills in the default payload and failure converters and an empty codec chain. */
export function loadDataConverter(dataConverter?: DataConverter): LoadedDataConverter {
  return {
    payloadConverter: dataConverter?.payloadConverter ?? defaultPayloadConverter,
    failureConverter: dataConverter?.failureConverter ?? defaultFailureConverter,
    payloadCodecs: dataConverter?.payloadCodecs ?? [],
  };
}

export const defaultDataConverter: LoadedDataConverter = loadDataConverter();

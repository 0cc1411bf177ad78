// The data-conversion contract shared by the worker, the workflow runtime and
// the client. Shapes follow @temporalio/common so custom converters and codecs
// written for the official SDK port over; the wire types are our generated
// protobuf-es messages.
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";

export type { Failure, Payload };

/** Turns one value into one Payload and back, synchronously (workflow code calls it). */
export interface PayloadConverter {
  /** Throws a ValueError (../converter/errors.ts) when no encoding accepts the value. */
  toPayload(value: unknown): Payload;
  /** Throws a PayloadConverterError naming the encoding when the payload cannot be read. */
  fromPayload<T = unknown>(payload: Payload): T;
}

/** One encoding of a composite converter: returns undefined when the value is not its kind. */
export interface PayloadConverterWithEncoding {
  /** The `encoding` metadata value, e.g. "json/plain". */
  readonly encodingType: string;
  toPayload(value: unknown): Payload | undefined;
  fromPayload<T = unknown>(payload: Payload): T;
}

/** An async transformation of payloads on the wire: encryption, compression. */
export interface PayloadCodec {
  encode(payloads: Payload[]): Promise<Payload[]>;
  decode(payloads: Payload[]): Promise<Payload[]>;
}

/** Error <-> temporal.api.failure.v1.Failure, using a payload converter for details. */
export interface FailureConverter {
  errorToFailure(err: unknown, payloadConverter: PayloadConverter): Failure;
  failureToError(failure: Failure, payloadConverter: PayloadConverter): Error;
}

/** What users configure, as in @temporalio/common's DataConverter. */
export interface DataConverter {
  payloadConverter?: PayloadConverter;
  failureConverter?: FailureConverter;
  payloadCodecs?: PayloadCodec[];
}

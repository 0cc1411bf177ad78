import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";

/**
 * Everything the client asks of data conversion, in one narrow seam: values
 * and failures to and from wire payloads, through the user's payload
 * converter, failure converter and codecs. Built from a DataConverter by
 * `createClientPayloads` (./client-payloads.ts).
 */
export interface ClientPayloads {
  /** Encodes each value into one payload (arguments, results, details). */
  toPayloads(values: readonly unknown[]): Promise<Payload[]>;
  /** Decodes all payloads (details). */
  fromPayloads(payloads: readonly Payload[] | undefined): Promise<unknown[]>;
  /** Decodes the payload at `index`, or undefined when there is none (a void result). */
  fromPayloadAt<T>(index: number, payloads: readonly Payload[] | undefined): Promise<T>;
  toPayloadMap(map: Readonly<Record<string, unknown>>): Promise<Record<string, Payload>>;
  /** Undefined for an absent map, as the official client reports a missing memo. */
  fromPayloadMap(map: Readonly<Record<string, Payload>> | undefined): Promise<Record<string, unknown> | undefined>;
  /** A Failure (with its payloads still codec-encoded) as an Error: ApplicationFailure, CancelledFailure, ... */
  failureToError(failure: Failure): Promise<Error>;
  /** An error as a codec-encoded Failure (async activity failure). */
  errorToFailure(err: unknown): Promise<Failure>;
}

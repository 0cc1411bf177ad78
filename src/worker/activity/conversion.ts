import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { Payload } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import {
  decodeArrayFromPayloads,
  decodeFromPayloadsAtIndex,
  encodeErrorToFailure,
  encodeToPayloads,
  type LoadedDataConverter,
} from "../../converter/index.ts";

/**
 * The conversions an activity task needs, in one narrow interface so the
 * runner does not care how the data converter is put together (payload
 * converter, codecs, failure converter).
 */
export interface ActivityConversion {
  /** The activity's arguments. Rejects with the converter's message when a payload cannot be read. */
  decodeArgs(payloads: Payload[]): Promise<unknown[]>;
  /** The first heartbeat detail of the previous attempt, or undefined. */
  decodeHeartbeatDetails(payloads: Payload[]): Promise<unknown>;
  /** Values (a result, heartbeat details, cancellation details) as payloads, codecs applied. */
  encode(values: unknown[]): Promise<Payload[]>;
  /** An error as a temporal.api.failure.v1.Failure, codecs applied to its details. */
  encodeFailure(err: unknown): Promise<Failure>;
}

/** The conversions of a loaded data converter (payload converter, codecs, failure converter). */
export function createActivityConversion(ldc: LoadedDataConverter): ActivityConversion {
  return {
    decodeArgs: (payloads) => decodeArrayFromPayloads(ldc, payloads),
    decodeHeartbeatDetails: (payloads) => decodeFromPayloadsAtIndex(ldc, 0, payloads),
    encode: (values) => encodeToPayloads(ldc, ...values),
    encodeFailure: (err) => encodeErrorToFailure(ldc, err),
  };
}

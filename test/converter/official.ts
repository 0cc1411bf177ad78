// Loads the official SDK's converters (@temporalio/common, @temporalio/proto:
// pure CommonJS, devDependencies) to judge ours against, and moves payloads
// and failures between its protobufjs world and our protobuf-es one through
// real wire bytes, as a server in the middle would.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { createRequire } from "node:module";
import { type Payload, PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type Failure, FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";

const require = createRequire(import.meta.url);

// Typed loosely on purpose: the official types come from protobufjs and
// would pull its world into our strict build.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Any = any;

export const common: Any = require("@temporalio/common");
export const proto: Any = require("@temporalio/proto");
export const protobufs: Any = require("@temporalio/common/lib/protobufs");

/** A protobufjs-style payload: { metadata: { [k]: Uint8Array }, data?: Uint8Array }. */
export interface OfficialPayload {
  metadata?: Record<string, Uint8Array> | null;
  data?: Uint8Array | null;
}

/** Their payload, sent over the wire and read as ours. */
export function payloadFromOfficial(p: OfficialPayload): Payload {
  return fromBinary(PayloadSchema, proto.temporal.api.common.v1.Payload.encode(p).finish());
}

/** Our payload, sent over the wire and read as theirs. */
export function payloadToOfficial(p: Payload): OfficialPayload {
  return proto.temporal.api.common.v1.Payload.decode(toBinary(PayloadSchema, p));
}

export function failureFromOfficial(f: unknown): Failure {
  return fromBinary(FailureSchema, proto.temporal.api.failure.v1.Failure.encode(f).finish());
}

export function failureToOfficial(f: Failure): Any {
  return proto.temporal.api.failure.v1.Failure.decode(toBinary(FailureSchema, f));
}

let officialProtobufConverter: Any;

/**
 * The official converter with protobufs. @temporalio/common and
 * @temporalio/proto each carry their own copy of protobufjs in this install,
 * and the converter checks `instanceof Type` against its own copy; so the
 * Temporal root is rebuilt in common's copy from its JSON descriptor.
 */
export function officialProtobufPayloadConverter(): { converter: Any; root: Any } {
  if (!officialProtobufConverter) {
    const protobufjs = createRequire(require.resolve("@temporalio/common"))("protobufjs");
    const json = require("@temporalio/proto/protos/root.js").toJSON();
    const root = protobufjs.Root.fromJSON(json);
    officialProtobufConverter = { converter: new protobufs.DefaultPayloadConverterWithProtobufs({ protobufRoot: root }), root };
  }
  return officialProtobufConverter;
}

import { create, createRegistry, type DescMessage, equals, type Message, toBinary } from "@bufbuild/protobuf";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import assert from "node:assert/strict";
import {
  file_temporal_api_common_v1_message,
  Payload_ExternalPayloadDetailsSchema,
  type Payload,
  PayloadSchema,
  PayloadsSchema,
  RetryPolicySchema,
  WorkflowExecutionSchema,
} from "../../gen/temporal/api/common/v1/message_pb.ts";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { file_temporal_api_taskqueue_v1_message, TaskQueueSchema } from "../../gen/temporal/api/taskqueue/v1/message_pb.ts";
import {
  arrayFromPayloads,
  DefaultPayloadConverterWithProtobufs,
  defaultPayloadConverter,
  fromPayloadsAtIndex,
  mapFromPayloads,
  mapToPayloads,
  ProtobufBinaryPayloadConverter,
  toPayloads,
} from "../../src/converter/index.ts";
import { test } from "../harness.ts";
import { common, officialProtobufPayloadConverter, payloadFromOfficial, payloadToOfficial, protobufs } from "./official.ts";

const official = common.defaultPayloadConverter;

/** A payload as plain data, for readable assertion diffs. */
function plain(p: Payload): { metadata: Record<string, string>; data: number[] } {
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(p.metadata).sort()) metadata[key] = new TextDecoder().decode(p.metadata[key]);
  return { metadata, data: Array.from(p.data) };
}

const cyclicFree = { nested: { deep: { deeper: [1, { x: "y" }] } } };
const values: Array<[string, unknown]> = [
  ["empty string", ""],
  ["ascii string", "hello"],
  ["unicode string", "héllo wörld — 🌍 中文 \u0000 \n\t\"quoted\""],
  ["lone surrogate", "a\ud800b"],
  ["zero", 0],
  ["negative float", -1.5],
  ["large number", 1e21],
  ["max safe integer", Number.MAX_SAFE_INTEGER],
  ["NaN (JSON null)", Number.NaN],
  ["true", true],
  ["false", false],
  ["null", null],
  ["undefined", undefined],
  ["empty object", {}],
  ["nested object", { a: 1, b: "two", c: [true, null], d: cyclicFree }],
  ["object with undefined field", { kept: 1, dropped: undefined }],
  ["array", [1, "two", { three: 3 }, [4]]],
  ["array with undefined", [1, undefined, 3]],
  ["empty array", []],
  ["Uint8Array", new Uint8Array([0, 1, 2, 254, 255])],
  ["empty Uint8Array", new Uint8Array(0)],
  ["Date (toJSON)", new Date(Date.UTC(2024, 1, 29, 12, 0, 0))],
  ["object with toJSON", { toJSON: () => ({ replaced: true }) }],
  ["long string", "x".repeat(100_000)],
];

test("payloads are byte-for-byte those of @temporalio/common's default converter", () => {
  for (const [name, value] of values) {
    const ours = defaultPayloadConverter.toPayload(value);
    const theirs = payloadFromOfficial(official.toPayload(value));
    assert.deepEqual(plain(ours), plain(theirs), name);
  }
});

test("payloads made here decode with @temporalio/common, and theirs decode here, to the same values", () => {
  for (const [name, value] of values) {
    const fromOurs = official.fromPayload(payloadToOfficial(defaultPayloadConverter.toPayload(value)));
    const fromTheirs = defaultPayloadConverter.fromPayload(payloadFromOfficial(official.toPayload(value)));
    const expected = official.fromPayload(official.toPayload(value));
    assert.deepEqual(fromTheirs, expected, `${name}: their payload read here`);
    assert.deepEqual(fromOurs, expected, `${name}: our payload read there`);
  }
});

test("a Uint8Array payload carries the caller's bytes without a copy", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const payload = defaultPayloadConverter.toPayload(bytes);
  assert.equal(payload.data, bytes);
  assert.equal(defaultPayloadConverter.fromPayload(payload), bytes);
});

test("null is json/plain and undefined is binary/null, as in the official SDK", () => {
  assert.equal(plain(defaultPayloadConverter.toPayload(null)).metadata.encoding, "json/plain");
  assert.deepEqual(plain(defaultPayloadConverter.toPayload(undefined)), { metadata: { encoding: "binary/null" }, data: [] });
});

// protobuf-es messages here, protobufjs messages there, of the same types.
const registry = createRegistry(file_temporal_api_common_v1_message, file_temporal_api_taskqueue_v1_message);
const messages: Array<[string, DescMessage, Message]> = [
  ["WorkflowExecution", WorkflowExecutionSchema, create(WorkflowExecutionSchema, { workflowId: "wf-ü", runId: "run-1" })],
  ["empty message", WorkflowExecutionSchema, create(WorkflowExecutionSchema)],
  [
    "RetryPolicy (Duration, double, repeated)",
    RetryPolicySchema,
    create(RetryPolicySchema, {
      initialInterval: durationFromMs(1500),
      backoffCoefficient: 2.5,
      maximumInterval: durationFromMs(60_000),
      maximumAttempts: 7,
      nonRetryableErrorTypes: ["Fatal", "Invalid"],
    }),
  ],
  [
    "Payloads (bytes, map, nested)",
    PayloadsSchema,
    create(PayloadsSchema, {
      payloads: [create(PayloadSchema, { metadata: { encoding: new Uint8Array([1, 2]), b: new Uint8Array([255]) }, data: new Uint8Array([0, 9]) })],
    }),
  ],
  ["TaskQueue (enum)", TaskQueueSchema, create(TaskQueueSchema, { name: "orders", kind: TaskQueueKind.STICKY, normalName: "orders-normal" })],
  [
    "int64 beyond 2^53",
    Payload_ExternalPayloadDetailsSchema,
    create(Payload_ExternalPayloadDetailsSchema, { sizeBytes: 9_007_199_254_740_993n }),
  ],
];

/** The same message as a protobufjs object of the official root, built from our wire bytes. */
function theirMessage(schema: DescMessage, message: Message) {
  return officialProtobufPayloadConverter().root.lookupType(schema.typeName).decode(toBinary(schema, message));
}

test("protobuf messages: json/protobuf and binary/protobuf payloads equal the official protobuf converters'", () => {
  const ourJson = new DefaultPayloadConverterWithProtobufs({ protobufRegistry: registry });
  const ourBinary = new ProtobufBinaryPayloadConverter(registry);
  const { converter: theirJson, root } = officialProtobufPayloadConverter();
  const theirBinary = new protobufs.ProtobufBinaryPayloadConverter(root);
  for (const [name, schema, message] of messages) {
    const theirs = theirMessage(schema, message);
    assert.deepEqual(plain(ourJson.toPayload(message)), plain(payloadFromOfficial(theirJson.toPayload(theirs))), `${name} (json/protobuf)`);
    const binary = ourBinary.toPayload(message);
    assert.ok(binary);
    assert.deepEqual(plain(binary), plain(payloadFromOfficial(theirBinary.toPayload(theirs))), `${name} (binary/protobuf)`);
  }
});

test("protobuf messages made here decode there, and theirs decode here, to equal messages", () => {
  const ours = new DefaultPayloadConverterWithProtobufs({ protobufRegistry: registry });
  const { converter: theirs, root } = officialProtobufPayloadConverter();
  const theirBinary = new protobufs.ProtobufBinaryPayloadConverter(root);
  for (const [name, schema, message] of messages) {
    const decodedThere = theirs.fromPayload(payloadToOfficial(ours.toPayload(message)));
    const type = root.lookupType(schema.typeName);
    assert.deepEqual(Array.from(type.encode(decodedThere).finish()), Array.from(toBinary(schema, message)), `${name}: read there`);
    const decodedHere = ours.fromPayload<Message>(payloadFromOfficial(theirs.toPayload(theirMessage(schema, message))));
    assert.ok(equals(schema, decodedHere, message), `${name}: json/protobuf read here`);
    const binaryHere = ours.fromPayload<Message>(payloadFromOfficial(theirBinary.toPayload(theirMessage(schema, message))));
    assert.ok(equals(schema, binaryHere, message), `${name}: binary/protobuf read here`);
  }
});

test("sync helpers: toPayloads, fromPayloadsAtIndex, arrayFromPayloads, map helpers", () => {
  const payloads = toPayloads(defaultPayloadConverter, "a", 2, undefined);
  assert.equal(payloads.length, 3);
  assert.equal(fromPayloadsAtIndex(defaultPayloadConverter, 1, payloads), 2);
  // A new trailing parameter reads as undefined from old inputs.
  assert.equal(fromPayloadsAtIndex(defaultPayloadConverter, 5, payloads), undefined);
  assert.equal(fromPayloadsAtIndex(defaultPayloadConverter, 0, undefined), undefined);
  assert.deepEqual(arrayFromPayloads(defaultPayloadConverter, payloads), ["a", 2, undefined]);
  assert.deepEqual(arrayFromPayloads(defaultPayloadConverter, undefined), []);
  const memo = mapToPayloads(defaultPayloadConverter, { owner: "ops", retries: 3 });
  assert.deepEqual(plain(memo.owner), plain(payloadFromOfficial(official.toPayload("ops"))));
  assert.deepEqual(mapFromPayloads(defaultPayloadConverter, memo), { owner: "ops", retries: 3 });
  assert.equal(mapFromPayloads(defaultPayloadConverter, undefined), undefined);
});

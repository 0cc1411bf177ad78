import { create, createRegistry } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { PayloadSchema, WorkflowExecutionSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import {
  CompositePayloadConverter,
  DataConverterError,
  DefaultPayloadConverterWithProtobufs,
  decodeArrayFromPayloads,
  defaultPayloadConverter,
  encodeToPayloads,
  loadDataConverter,
  PayloadConverterError,
  ProtobufBinaryPayloadConverter,
  ValueError,
} from "../../src/converter/index.ts";
import { test } from "../harness.ts";
import { common } from "./official.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const payload = (encoding: string | undefined, data: string) =>
  create(PayloadSchema, { metadata: encoding === undefined ? {} : { encoding: utf8(encoding) }, data: utf8(data) });

/** Asserts `fn` throws an instance of `cls` whose message matches every pattern. */
function assertError(fn: () => unknown, cls: abstract new (...args: never[]) => Error, ...patterns: RegExp[]): Error {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown instanceof cls, `expected ${cls.name}, got ${String(thrown)}`);
  for (const p of patterns) assert.match(thrown.message, p);
  return thrown;
}

test("an unknown encoding names the encoding and the known ones", () => {
  const err = assertError(
    () => defaultPayloadConverter.fromPayload(payload("binary/encrypted", "xx")),
    PayloadConverterError,
    /unknown encoding "binary\/encrypted"/,
    /knows binary\/null, binary\/plain, json\/plain/,
    /Add a PayloadConverterWithEncoding or a PayloadCodec/,
  );
  assert.equal((err as PayloadConverterError).encoding, "binary/encrypted");
  // Official code that catches its ValueError catches ours (shared instanceof marker).
  assert.ok(err instanceof common.ValueError);
  assertError(() => defaultPayloadConverter.fromPayload(payload(undefined, "1")), PayloadConverterError, /without "encoding" metadata/);
});

test("corrupt JSON names json/plain, the size and the parser's reason", () => {
  const err = assertError(
    () => defaultPayloadConverter.fromPayload(payload("json/plain", '{"a": 1,')),
    PayloadConverterError,
    /Cannot decode a json\/plain payload: its 8 bytes are not valid JSON \(.+\)/,
  );
  assert.ok(err.cause instanceof SyntaxError);
  assertError(() => defaultPayloadConverter.fromPayload(payload("json/plain", "")), PayloadConverterError, /json\/plain payload: it has no data/);
});

test("a BigInt, a cycle and a function are refused with the reason and what was converted", () => {
  assertError(() => defaultPayloadConverter.toPayload(10n), ValueError, /Cannot convert a BigInt to a json\/plain payload: .*BigInt/, /convert BigInt to string/);
  assertError(() => defaultPayloadConverter.toPayload({ total: 10n }), ValueError, /Cannot convert an object to a json\/plain payload/);
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  const err = assertError(() => defaultPayloadConverter.toPayload(cyclic), ValueError, /Cannot convert an object to a json\/plain payload: .*(circular|cyclic)/i, /remove cycles/);
  assert.equal((err as ValueError).encoding, "json/plain");
  assertError(() => defaultPayloadConverter.toPayload(() => 1), ValueError, /Cannot convert a function to a json\/plain payload/);
});

test("a codec that throws or returns garbage gives a DataConverterError naming the codec and the payloads", async () => {
  class FlakyKmsCodec {
    async encode(): Promise<never> {
      throw new Error("KMS unreachable");
    }
    async decode(): Promise<never> {
      throw new Error("KMS unreachable");
    }
  }
  const ldc = loadDataConverter({ payloadCodecs: [new FlakyKmsCodec()] });
  await assert.rejects(encodeToPayloads(ldc, "a", 1), (err: unknown) => {
    assert.ok(err instanceof DataConverterError);
    assert.equal(err.message, "Payload codec #0 (FlakyKmsCodec) failed to encode 2 payloads (encoding json/plain): KMS unreachable");
    assert.equal(err.operation, "encode");
    assert.equal(err.codecIndex, 0);
    assert.equal((err.cause as Error).message, "KMS unreachable");
    return true;
  });
  await assert.rejects(decodeArrayFromPayloads(ldc, [defaultPayloadConverter.toPayload(1)]), /#0 \(FlakyKmsCodec\) failed to decode 1 payload/);
  const broken = loadDataConverter({ payloadCodecs: [{ encode: async () => undefined as never, decode: async (p) => p }] });
  await assert.rejects(encodeToPayloads(broken, 1), /anonymous codec\) returned undefined from encode\(\) for 1 payload .*must resolve to an array/);
  const synchronousThrow = loadDataConverter({
    payloadCodecs: [
      {
        encode: () => {
          throw new TypeError("not async");
        },
        decode: async (p) => p,
      },
    ],
  });
  await assert.rejects(encodeToPayloads(synchronousThrow, 1), DataConverterError);
});

test("protobuf converters: an unregistered type, missing messageType and corrupt bytes are clear errors", () => {
  const empty = new ProtobufBinaryPayloadConverter(createRegistry());
  const message = create(WorkflowExecutionSchema, { workflowId: "w" });
  assertError(() => empty.toPayload(message), ValueError, /Cannot encode protobuf message temporal.api.common.v1.WorkflowExecution as binary\/protobuf: the type is not in the converter's registry/, /createRegistry\(WorkflowExecutionSchema\)/);
  assertError(() => new ProtobufBinaryPayloadConverter().toPayload(message), ValueError, /the converter has no registry/);
  const converter = new DefaultPayloadConverterWithProtobufs({ protobufRegistry: createRegistry(WorkflowExecutionSchema) });
  assertError(() => converter.fromPayload(payload("binary/protobuf", "x")), PayloadConverterError, /binary\/protobuf payload without "messageType" metadata/);
  const corrupt = create(PayloadSchema, {
    metadata: { encoding: utf8("binary/protobuf"), messageType: utf8("temporal.api.common.v1.WorkflowExecution") },
    data: new Uint8Array([0x0a, 0xff]),
  });
  assertError(() => converter.fromPayload(corrupt), PayloadConverterError, /Cannot decode a binary\/protobuf payload of temporal.api.common.v1.WorkflowExecution: /);
  const badJson = create(PayloadSchema, {
    metadata: { encoding: utf8("json/protobuf"), messageType: utf8("temporal.api.common.v1.WorkflowExecution") },
    data: utf8("{not json"),
  });
  assertError(() => converter.fromPayload(badJson), PayloadConverterError, /Cannot decode a json\/protobuf payload of temporal.api.common.v1.WorkflowExecution/);
});

test("a custom converter that throws is wrapped with its encoding", () => {
  const custom = {
    encodingType: "custom/x",
    toPayload(): never {
      throw new Error("boom");
    },
    fromPayload(): never {
      throw new Error("bang");
    },
  };
  const composite = new CompositePayloadConverter(custom);
  assertError(() => composite.toPayload(1), ValueError, /The custom\/x payload converter failed to convert a number: boom/);
  assertError(() => composite.fromPayload(payload("custom/x", "")), PayloadConverterError, /Cannot decode a custom\/x payload: bang/);
});

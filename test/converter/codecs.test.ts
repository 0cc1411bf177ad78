import { create, toBinary } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { type Payload, PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import {
  createAesGcmCodec,
  DataConverterError,
  DefaultFailureConverter,
  decodeArrayFromPayloads,
  decodeFailureToError,
  decodeFromPayloadsAtIndex,
  decodeMap,
  defaultPayloadConverter,
  encodeErrorToFailure,
  encodeMap,
  encodeToPayload,
  encodeToPayloads,
  loadDataConverter,
  type PayloadCodec,
  PayloadConverterError,
} from "../../src/converter/index.ts";
import { ApplicationFailure, TimeoutFailure } from "../../src/failure/index.ts";
import { test } from "../harness.ts";
import { proto } from "./official.ts";

const key = new Uint8Array(32).map((_, i) => (i * 7 + 3) & 0xff);
const secret = "the launch code is 0000-ÜBER-SECRET";

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function wireBytes(payloads: Payload[]): Uint8Array[] {
  return payloads.map((p) => toBinary(PayloadSchema, p));
}

test("the AES-GCM codec round-trips values and its output holds no plaintext", async () => {
  const ldc = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "k1", key })] });
  const values = [secret, { card: secret, n: 1 }, new TextEncoder().encode(secret), undefined, null];
  const encoded = await encodeToPayloads(ldc, ...values);
  const plaintext = new TextEncoder().encode("launch code");
  for (const bytes of wireBytes(encoded)) {
    assert.ok(!contains(bytes, plaintext), "plaintext found in an encrypted payload");
    assert.ok(!contains(bytes, new TextEncoder().encode("json/plain")), "the inner encoding leaked");
  }
  for (const p of encoded) {
    assert.equal(new TextDecoder().decode(p.metadata.encoding), "binary/encrypted");
    assert.equal(new TextDecoder().decode(p.metadata["encryption-key-id"]), "k1");
  }
  assert.deepEqual(await decodeArrayFromPayloads(ldc, encoded), values);
  // Same value twice, different ciphertext: the IV is random.
  const [a, b] = await encodeToPayloads(ldc, secret, secret);
  assert.notDeepEqual(a?.data, b?.data);
});

test("AES-GCM payloads use the official encryption sample's format (readable with WebCrypto and @temporalio/proto)", async () => {
  const ldc = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "k1", key })] });
  const payload = await encodeToPayload(ldc, { hello: "world" });
  const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  const clear = new Uint8Array(
    await crypto.subtle.decrypt({ name: "AES-GCM", iv: payload.data.slice(0, 12), tagLength: 128 }, cryptoKey, payload.data.slice(12)),
  );
  const inner = proto.temporal.api.common.v1.Payload.decodeDelimited(clear);
  assert.equal(new TextDecoder().decode(inner.metadata.encoding), "json/plain");
  assert.equal(new TextDecoder().decode(inner.data), '{"hello":"world"}');
});

test("AES-GCM: a wrong key, an unknown key id and tampered data give clear errors; rotation keys decrypt", async () => {
  const writer = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "old", key })] });
  const [payload] = await encodeToPayloads(writer, secret);
  assert.ok(payload);
  const otherKey = new Uint8Array(32).fill(9);
  const wrongBytes = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "old", key: otherKey })] });
  await assert.rejects(decodeArrayFromPayloads(wrongBytes, [payload]), (err: unknown) => {
    assert.ok(err instanceof DataConverterError);
    assert.match(err.message, /Payload codec #0 .* failed to decode 1 payload \(encoding binary\/encrypted\): Cannot decrypt .* key "old": authentication failed/);
    assert.ok(err.cause instanceof PayloadConverterError);
    return true;
  });
  const rotated = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "new", key: otherKey })] });
  await assert.rejects(decodeArrayFromPayloads(rotated, [payload]), /made with key "old": this codec has "new". Add the key to decryptionKeys/);
  const withOld = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "new", key: otherKey, decryptionKeys: { old: key } })] });
  assert.deepEqual(await decodeArrayFromPayloads(withOld, [payload]), [secret]);
  const tampered = create(PayloadSchema, { metadata: payload.metadata, data: payload.data.slice() });
  tampered.data[20] = (tampered.data[20] ?? 0) ^ 1;
  await assert.rejects(decodeArrayFromPayloads(writer, [tampered]), /authentication failed/);
  assert.throws(() => createAesGcmCodec({ keyId: "k", key: new Uint8Array(10) }), /has 10 bytes; it must have 16, 24 or 32/);
});

test("codecs run in order on encode and in reverse on decode, over every payload of a failure", async () => {
  const calls: string[] = [];
  const tag = (name: string): PayloadCodec => ({
    async encode(payloads) {
      calls.push(`encode ${name}`);
      return payloads.map((p) => create(PayloadSchema, { metadata: { encoding: new TextEncoder().encode(`${name}:`), inner: toBinary(PayloadSchema, p) } }));
    },
    async decode(payloads) {
      calls.push(`decode ${name}`);
      return payloads.map((p) => {
        assert.equal(new TextDecoder().decode(p.metadata.encoding), `${name}:`, "decode order");
        return proto.temporal.api.common.v1.Payload.decode(p.metadata.inner);
      });
    },
  });
  const ldc = loadDataConverter({
    payloadCodecs: [tag("a"), tag("b")],
    failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
  });
  const err = ApplicationFailure.create({
    message: "outer",
    details: ["detail"],
    cause: new TimeoutFailure("inner", { beat: 1 }, "HEARTBEAT"),
  });
  const failure = await encodeErrorToFailure(ldc, err);
  // Every payload in the tree went through both codecs.
  assert.equal(new TextDecoder().decode(failure.encodedAttributes?.metadata.encoding), "b:");
  assert.equal(failure.failureInfo.case, "applicationFailureInfo");
  assert.equal(new TextDecoder().decode(failure.failureInfo.value?.details?.payloads[0]?.metadata.encoding), "b:");
  assert.equal(failure.cause?.failureInfo.case, "timeoutFailureInfo");
  assert.equal(new TextDecoder().decode(failure.cause?.encodedAttributes?.metadata.encoding), "b:");
  assert.equal(calls.slice(0, 2).join(","), "encode a,encode b");
  calls.length = 0;
  const decoded = await decodeFailureToError(ldc, failure);
  assert.equal(calls.slice(0, 2).join(","), "decode b,decode a");
  assert.ok(decoded instanceof ApplicationFailure);
  assert.equal(decoded.message, "outer");
  assert.deepEqual(decoded.details, ["detail"]);
  assert.ok(decoded.cause instanceof TimeoutFailure);
  assert.equal(decoded.cause.message, "inner");
  assert.deepEqual(decoded.cause.lastHeartbeatDetails, { beat: 1 });
});

test("memo maps and single values go through the codecs", async () => {
  const ldc = loadDataConverter({ payloadCodecs: [createAesGcmCodec({ keyId: "k", key })] });
  const memo = { owner: defaultPayloadConverter.toPayload("ops"), tier: defaultPayloadConverter.toPayload(2) };
  const encoded = await encodeMap(ldc, memo);
  assert.deepEqual(Object.keys(encoded), ["owner", "tier"]);
  assert.equal(new TextDecoder().decode(encoded.owner.metadata.encoding), "binary/encrypted");
  const decoded = await decodeMap(ldc, encoded);
  assert.equal(defaultPayloadConverter.fromPayload(decoded.owner), "ops");
  assert.equal(defaultPayloadConverter.fromPayload(decoded.tier), 2);
  const payloads = await encodeToPayloads(ldc, "x", "y");
  assert.equal(await decodeFromPayloadsAtIndex(ldc, 1, payloads), "y");
  assert.equal(await decodeFromPayloadsAtIndex(ldc, 2, payloads), undefined);
});

test("a codec written for the official SDK (plain objects) works in the chain", async () => {
  const plainCodec: PayloadCodec = {
    async encode(payloads) {
      return payloads.map((p) => ({ metadata: { ...p.metadata, wrapped: new Uint8Array([1]) }, data: p.data }) as unknown as Payload);
    },
    async decode(payloads) {
      return payloads.map((p) => ({ metadata: p.metadata, data: p.data }) as unknown as Payload);
    },
  };
  const ldc = loadDataConverter({ payloadCodecs: [plainCodec] });
  const [payload] = await encodeToPayloads(ldc, { a: 1 });
  assert.ok(payload);
  assert.equal(payload.$typeName, "temporal.api.common.v1.Payload");
  assert.ok(toBinary(PayloadSchema, payload).length > 0);
  assert.deepEqual(await decodeArrayFromPayloads(ldc, [payload]), [{ a: 1 }]);
});

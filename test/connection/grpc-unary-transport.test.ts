// The lean unary gRPC transport against a raw node:http2 server, so that each
// test can shape the bytes on the wire (split frames, trailers-only answers,
// non-gRPC answers, compressed flags) and watch what the client sends and how
// it ends a stream (deadline, abort).
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, encodeBinaryHeader } from "@connectrpc/connect";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import {
  createServer,
  type Http2Server,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import {
  GetSystemInfoResponseSchema,
  PollActivityTaskQueueRequestSchema,
  PollActivityTaskQueueResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { ServiceError } from "../../src/common/errors.ts";
import { CLIENT_NAME, VERSION } from "../../src/common/version.ts";
import { connect } from "../../src/connection/connection.ts";
import { grpcTimeout } from "../../src/connection/grpc-unary-transport.ts";
import type { ConnectionOptions } from "../../src/connection/options.ts";
import { eventually, type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  /** The RST_STREAM code once the client ended the stream early, or "closed" when it ended normally. */
  end?: number | "closed";
}

type Answer = (stream: ServerHttp2Stream, seen: Seen) => void;

async function rawServer(t: TestContext, answer: Answer): Promise<{ address: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server: Http2Server = createServer();
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  server.on("stream", (stream, headers) => {
    const chunks: Uint8Array[] = [];
    const entry: Seen = { path: String(headers[":path"]), headers, body: new Uint8Array(0) };
    seen.push(entry);
    stream.on("error", () => {});
    stream.on("close", () => {
      entry.end = stream.rstCode !== undefined && stream.rstCode !== 0 ? stream.rstCode : "closed";
    });
    stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    stream.on("end", () => {
      entry.body = Buffer.concat(chunks);
      answer(stream, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.defer(() => {
    // Sessions kept open by a client would keep close() waiting.
    for (const s of sessions) s.destroy();
  });
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function frame(bytes: Uint8Array, flag = 0): Uint8Array {
  const out = new Uint8Array(bytes.length + 5);
  out[0] = flag;
  new DataView(out.buffer).setUint32(1, bytes.length);
  out.set(bytes, 5);
  return out;
}

/** A complete gRPC answer: headers, the body in `chunks` DATA writes, trailers. */
function reply(stream: ServerHttp2Stream, body: Uint8Array, trailers: OutgoingHttpHeaders = { "grpc-status": "0" }, chunks = 1): void {
  stream.respond({ ":status": 200, "content-type": "application/grpc+proto" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers(trailers));
  const size = Math.ceil(body.length / chunks);
  for (let i = 0; i < chunks; i++) stream.write(body.subarray(i * size, (i + 1) * size));
  stream.end();
}

function connectTo(t: TestContext, address: string, options: ConnectionOptions = {}) {
  const conn = connect({ address, retry: false, ...options }, platform);
  t.defer(() => conn.close());
  return conn;
}

const systemInfo = frame(toBinary(GetSystemInfoResponseSchema, create(GetSystemInfoResponseSchema, { serverVersion: "raw-1" })));

test("sends the gRPC request headers, the framed message, and reads the answer", async (t) => {
  const srv = await rawServer(t, (stream) => reply(stream, systemInfo));
  const conn = connectTo(t, srv.address, { namespace: "orders", metadata: { "X-Team": "payments" }, apiKey: "k1", tls: false });
  const res = await conn.workflowService.getSystemInfo({}, { headers: { "x-call": "one" } });
  assert.equal(res.serverVersion, "raw-1");
  const [req] = srv.seen;
  assert.ok(req);
  assert.equal(req.path, "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo");
  assert.equal(req.headers[":method"], "POST");
  assert.equal(req.headers["content-type"], "application/grpc+proto");
  assert.equal(req.headers.te, "trailers");
  assert.equal(req.headers["temporal-namespace"], "orders");
  assert.equal(req.headers["client-name"], CLIENT_NAME);
  assert.equal(req.headers["client-version"], VERSION);
  assert.equal(req.headers["x-team"], "payments");
  assert.equal(req.headers["x-call"], "one");
  assert.equal(req.headers.authorization, "Bearer k1");
  // The ordinary deadline (10 s by default) travels as grpc-timeout in milliseconds.
  assert.match(String(req.headers["grpc-timeout"]), /^\d+m$/);
  assert.ok(Number(String(req.headers["grpc-timeout"]).slice(0, -1)) <= 10_000);
  // No compression offered: loopback and codec-encoded payloads gain nothing from it.
  assert.equal(req.headers["grpc-accept-encoding"], undefined);
  assert.equal(req.headers["grpc-encoding"], undefined);
  // An empty request message is a frame of length zero.
  assert.deepEqual([...req.body], [0, 0, 0, 0, 0]);
});

test("a request message arrives intact and a response split over many DATA frames is joined", async (t) => {
  const token = new Uint8Array(200_000).map((_, i) => i % 251);
  const big = frame(toBinary(PollActivityTaskQueueResponseSchema, create(PollActivityTaskQueueResponseSchema, { taskToken: token, activityId: "a-1" })));
  const srv = await rawServer(t, (stream) => reply(stream, big, { "grpc-status": "0" }, 7));
  const conn = connectTo(t, srv.address);
  const res = await conn.workflowService.pollActivityTaskQueue({ namespace: "ns", taskQueue: { name: "q" }, identity: "me" });
  assert.equal(res.activityId, "a-1");
  assert.deepEqual(res.taskToken, token);
  const sent = fromBinary(PollActivityTaskQueueRequestSchema, srv.seen[0]?.body.subarray(5) ?? new Uint8Array());
  assert.equal(sent.namespace, "ns");
  assert.equal(sent.taskQueue?.name, "q");
  assert.equal(sent.identity, "me");
});

test("a trailers-only error keeps its code, its decoded message and its details", async (t) => {
  const detail = { type: "temporal.api.errordetails.v1.NotFoundFailure", value: new Uint8Array([1, 2, 3]) };
  // google.rpc.Status { code = 1; message = 2; repeated google.protobuf.Any details = 3 }
  const status = new BinaryWriter()
    .uint32(8)
    .int32(Code.NotFound)
    .uint32(18)
    .string("namespace orders not found")
    .uint32(26)
    .bytes(new BinaryWriter().uint32(10).string(`type.googleapis.com/${detail.type}`).uint32(18).bytes(detail.value).finish())
    .finish();
  const srv = await rawServer(t, (stream) =>
    stream.respond(
      {
        ":status": 200,
        "content-type": "application/grpc+proto",
        "grpc-status": String(Code.NotFound),
        "grpc-message": encodeURIComponent("namespace orders not found"),
        "grpc-status-details-bin": encodeBinaryHeader(status),
      },
      { endStream: true },
    ),
  );
  const conn = connectTo(t, srv.address);
  const err = await conn.workflowService.describeNamespace({ namespace: "orders" }).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.NotFound);
  assert.equal(err.message, "describeNamespace: namespace orders not found");
  assert.ok(err.cause instanceof ConnectError);
  assert.deepEqual(
    err.cause.details.map((d) => ("type" in d ? { type: d.type, value: [...d.value] } : d)),
    [{ type: detail.type, value: [1, 2, 3] }],
  );
});

test("an error status in the trailers after headers wins over an empty body", async (t) => {
  const srv = await rawServer(t, (stream) =>
    reply(stream, new Uint8Array(0), { "grpc-status": String(Code.ResourceExhausted), "grpc-message": "slow%20down" }),
  );
  const conn = connectTo(t, srv.address);
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.ResourceExhausted);
  assert.equal(err.message, "getSystemInfo: slow down");
});

test("protocol violations become specific errors instead of garbage messages", async (t) => {
  const cases: Array<{ name: string; answer: Answer; code: Code; message: RegExp }> = [
    {
      name: "HTTP 503 without a gRPC status",
      answer: (stream) => stream.respond({ ":status": 503, "content-type": "text/plain" }, { endStream: true }),
      code: Code.Unavailable,
      message: /HTTP 503 from the server instead of a gRPC response/,
    },
    {
      name: "a compressed message that was never negotiated",
      answer: (stream) => reply(stream, frame(new Uint8Array([8, 1]), 1)),
      code: Code.Internal,
      message: /compressed message, but no compression was negotiated/,
    },
    {
      name: "a truncated message",
      answer: (stream) => reply(stream, systemInfo.subarray(0, systemInfo.length - 1)),
      code: Code.Internal,
      message: /truncated message/,
    },
    {
      name: "two messages for a unary method",
      answer: (stream) => reply(stream, Buffer.concat([systemInfo, systemInfo])),
      code: Code.Unimplemented,
      message: /extra output message/,
    },
    {
      name: "no status at all",
      answer: (stream) => reply(stream, systemInfo, {}),
      code: Code.Internal,
      message: /missing status/,
    },
  ];
  for (const c of cases) {
    const srv = await rawServer(t, c.answer);
    const conn = connectTo(t, srv.address);
    const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
    assert.ok(err instanceof ServiceError, `${c.name}: ${String(err)}`);
    assert.equal(err.code, c.code, `${c.name}: ${err.message}`);
    assert.match(err.message, c.message, c.name);
  }
});

test("a deadline resets the stream with CANCEL and fails with DeadlineExceeded", async (t) => {
  // Never answers: only the client's own deadline can end the call.
  const srv = await rawServer(t, () => {});
  const conn = connectTo(t, srv.address, { callTimeoutMs: 100 });
  const started = Date.now();
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.DeadlineExceeded);
  assert.ok(Date.now() - started < 5_000, "the deadline ended the call");
  assert.equal(srv.seen[0]?.headers["grpc-timeout"], "100m");
  await eventually(() => srv.seen[0]?.end !== undefined, { message: "the server saw the stream end" });
  assert.equal(srv.seen[0]?.end, 0x8 /* CANCEL */);
});

test("the deadline also covers connecting: a server that never finishes the TLS handshake", async (t) => {
  // Accepts TCP connections and stays silent, so the TLS handshake never ends.
  const sockets = new Set<Socket>();
  const silent = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.defer(() => new Promise<void>((resolve) => silent.close(() => resolve())));
  t.defer(() => {
    for (const socket of sockets) socket.destroy();
  });
  const conn = connectTo(t, `127.0.0.1:${(silent.address() as AddressInfo).port}`, { tls: true, callTimeoutMs: 200 });
  const started = Date.now();
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.DeadlineExceeded);
  assert.ok(Date.now() - started < 5_000, `the deadline ended the call after ${Date.now() - started} ms`);
});

test("aborting the caller's signal resets the stream and rejects at once", async (t) => {
  const srv = await rawServer(t, () => {});
  const conn = connectTo(t, srv.address);
  const controller = new AbortController();
  const call = conn.workflowService.pollActivityTaskQueue({ namespace: "ns" }, { signal: controller.signal }).catch((e: unknown) => e);
  await eventually(() => srv.seen.length === 1, { message: "the poll reached the server" });
  controller.abort(new Error("worker stopping"));
  const err = await call;
  assert.ok(err instanceof ServiceError, String(err));
  await eventually(() => srv.seen[0]?.end !== undefined, { message: "the server saw the stream end" });
  assert.equal(srv.seen[0]?.end, 0x8 /* CANCEL */);
});

test("calls in parallel share one session and each gets its own answer", async (t) => {
  const srv = await rawServer(t, (stream, seen) => {
    const req = fromBinary(PollActivityTaskQueueRequestSchema, seen.body.subarray(5));
    const res = create(PollActivityTaskQueueResponseSchema, { activityId: req.identity });
    // Answer out of order, so a mix-up between streams would show.
    setTimeout(() => reply(stream, frame(toBinary(PollActivityTaskQueueResponseSchema, res))), Number(req.identity) % 5);
  });
  const conn = connectTo(t, srv.address);
  const ids = Array.from({ length: 50 }, (_, i) => String(i));
  const answers = await Promise.all(ids.map((id) => conn.workflowService.pollActivityTaskQueue({ identity: id })));
  assert.deepEqual(
    answers.map((a) => a.activityId),
    ids,
  );
});

test("grpc-timeout keeps to eight digits: milliseconds, then seconds, then hours", () => {
  assert.equal(grpcTimeout(70_000), "70000m");
  assert.equal(grpcTimeout(0.2), "1m");
  assert.equal(grpcTimeout(99_999_999), "99999999m");
  assert.equal(grpcTimeout(100_000_000), "100000S");
  assert.equal(grpcTimeout(99_999_999_000 + 1), "27778H");
});

// The lean unary gRPC server (src/adapters/shared/grpc-unary-call.ts) that
// the dev server runs on: errors with details reach our client and the
// official one, deadlines and client cancellation abort the handler's signal,
// and concurrent calls each get their own answer.
import { create } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { Client as OfficialClient, Connection as OfficialConnection } from "@temporalio/client";
import { NamespaceNotFoundError } from "@temporalio/common";
import assert from "node:assert/strict";
import * as http2 from "node:http2";
import {
  DescribeNamespaceResponseSchema,
  GetSystemInfoResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { ServiceError } from "../../src/common/errors.ts";
import { connect } from "../../src/connection/connection.ts";
import { eventually, type TestContext, test } from "../harness.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();
const namespaceNotFoundType = "temporal.api.errordetails.v1.NamespaceNotFoundFailure";

async function serve(t: TestContext, impl: Partial<ServiceImpl<typeof WorkflowService>>) {
  const server = await platform.serveGrpc({
    hostname: "127.0.0.1",
    port: 0,
    routes: (router) => router.service(WorkflowService, { getSystemInfo: () => create(GetSystemInfoResponseSchema, {}), ...impl }),
  });
  t.defer(() => server.close());
  return `127.0.0.1:${server.port}`;
}

/** NamespaceNotFoundFailure{namespace}, encoded by hand: gen/ has no errordetails messages. */
function namespaceNotFoundDetail(namespace: string): Uint8Array {
  return new BinaryWriter().tag(1, WireType.LengthDelimited).string(namespace).finish();
}

function namespaceNotFound(namespace: string, message: string): ConnectError {
  const err = new ConnectError(message, Code.NotFound);
  // Pre-encoded details are only settable on the property, not via the constructor.
  err.details = [{ type: namespaceNotFoundType, value: namespaceNotFoundDetail(namespace) }];
  return err;
}

function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

interface RawAnswer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders | undefined;
  body: Uint8Array;
}

/** One gRPC call by hand over node:http2, to see the wire answer itself. */
async function rawCall(
  t: TestContext,
  address: string,
  path: string,
  body: Uint8Array,
  extra: http2.OutgoingHttpHeaders = {},
): Promise<RawAnswer> {
  const session = http2.connect(`http://${address}`);
  t.defer(() => session.close());
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...extra });
  stream.end(body);
  return new Promise((resolve, reject) => {
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders | undefined;
    const chunks: Uint8Array[] = [];
    stream.on("response", (h) => (headers = h));
    stream.on("trailers", (h) => (trailers = h));
    stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    stream.on("error", reject);
    stream.on("end", () => resolve({ headers, trailers, body: new Uint8Array(Buffer.concat(chunks)) }));
  });
}

test("an error with details is a trailers-only answer that our client and the official client both decode", async (t) => {
  const address = await serve(t, {
    describeNamespace(req) {
      throw namespaceNotFound(req.namespace, `namespace ${req.namespace} not found; 100% sure`);
    },
    describeWorkflowExecution(req) {
      throw namespaceNotFound(req.namespace, `namespace ${req.namespace} not found`);
    },
  });

  const raw = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/DescribeNamespace", frame(new Uint8Array()));
  assert.equal(raw.headers["grpc-status"], String(Code.NotFound), "the status travels in the headers (trailers-only)");
  assert.equal(raw.trailers, undefined);
  assert.equal(raw.body.length, 0);
  assert.equal(decodeURIComponent(String(raw.headers["grpc-message"])), "namespace  not found; 100% sure");
  assert.ok(raw.headers["grpc-status-details-bin"], "the details travel as grpc-status-details-bin");

  const conn = connect({ address, retry: false }, platform);
  t.defer(() => conn.close());
  const err = await conn.workflowService.describeNamespace({ namespace: "orders" }).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.NotFound);
  assert.ok(err.cause instanceof ConnectError);
  assert.equal(err.cause.rawMessage, "namespace orders not found; 100% sure");
  const [detail] = err.cause.details;
  assert.ok(detail !== undefined && "type" in detail);
  assert.equal(detail.type, namespaceNotFoundType);
  assert.deepEqual([...detail.value], [...namespaceNotFoundDetail("orders")]);

  const official = await OfficialConnection.connect({ address });
  t.defer(() => official.close());
  const client = new OfficialClient({ connection: official, namespace: "billing" });
  const officialErr = await client.workflow
    .getHandle("wf-1")
    .describe()
    .catch((e: unknown) => e);
  assert.ok(officialErr instanceof NamespaceNotFoundError, String(officialErr));
  assert.equal(officialErr.namespace, "billing");
});

test("a unary call answers with one message and grpc-status 0 in the trailers", async (t) => {
  const address = await serve(t, {
    describeNamespace: (req) => create(DescribeNamespaceResponseSchema, { namespaceInfo: { name: req.namespace } }),
  });
  const conn = connect({ address }, platform);
  t.defer(() => conn.close());
  const res = await conn.workflowService.describeNamespace({ namespace: "orders" });
  assert.equal(res.namespaceInfo?.name, "orders");
  const raw = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo", frame(new Uint8Array()));
  assert.equal(raw.headers[":status"], 200);
  assert.equal(raw.trailers?.["grpc-status"], "0");
  assert.equal(raw.body[0], 0, "uncompressed frame");
});

test("the grpc-timeout deadline aborts the handler's signal and answers DeadlineExceeded", async (t) => {
  let reason: unknown;
  const address = await serve(t, {
    async getSystemInfo(_req, ctx: HandlerContext) {
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      reason = ctx.signal.reason;
      return create(GetSystemInfoResponseSchema, {});
    },
  });
  const started = Date.now();
  const raw = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo", frame(new Uint8Array()), {
    "grpc-timeout": "150m",
  });
  assert.equal(raw.headers["grpc-status"], String(Code.DeadlineExceeded));
  assert.ok(Date.now() - started >= 140, "not before the deadline");
  await eventually(() => reason !== undefined);
  assert.ok(reason instanceof ConnectError && reason.code === Code.DeadlineExceeded, String(reason));
});

test("a client that cancels its call aborts the handler's signal", async (t) => {
  let entered = false;
  let aborted = false;
  const address = await serve(t, {
    async getSystemInfo(_req, ctx) {
      entered = true;
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }));
      aborted = true;
      return create(GetSystemInfoResponseSchema, {});
    },
  });
  const conn = connect({ address, retry: false }, platform);
  t.defer(() => conn.close());
  const controller = new AbortController();
  const call = conn.workflowService.getSystemInfo({}, { signal: controller.signal }).catch((e: unknown) => e);
  await eventually(() => entered);
  assert.equal(aborted, false);
  controller.abort();
  await eventually(() => aborted);
  assert.ok((await call) instanceof Error);
});

test("concurrent calls each get their own answer, whatever order they finish in", async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const address = await serve(t, {
    async describeNamespace(req) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Later requests finish first, so answers must not be matched by order.
      await new Promise((resolve) => setTimeout(resolve, 60 - Number(req.namespace.slice(3))));
      inFlight--;
      return create(DescribeNamespaceResponseSchema, { namespaceInfo: { name: req.namespace } });
    },
  });
  const conn = connect({ address }, platform);
  t.defer(() => conn.close());
  const names = Array.from({ length: 50 }, (_, i) => `ns-${i}`);
  const answers = await Promise.all(names.map((namespace) => conn.workflowService.describeNamespace({ namespace })));
  assert.deepEqual(
    answers.map((a) => a.namespaceInfo?.name),
    names,
  );
  assert.ok(maxInFlight > 1, `calls overlapped (max ${maxInFlight} in flight)`);
});

test("compressed requests and unknown methods are refused with Unimplemented", async (t) => {
  const address = await serve(t, {});
  const gzip = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo", frame(new Uint8Array()), {
    "grpc-encoding": "gzip",
  });
  assert.equal(gzip.headers["grpc-status"], String(Code.Unimplemented));
  assert.equal(gzip.headers["grpc-accept-encoding"], "identity");
  const unknown = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/NoSuchMethod", frame(new Uint8Array()));
  assert.equal(unknown.headers["grpc-status"], String(Code.Unimplemented));
  const notImplemented = await rawCall(t, address, "/temporal.api.workflowservice.v1.WorkflowService/ListSchedules", frame(new Uint8Array()));
  assert.equal(notImplemented.headers["grpc-status"], String(Code.Unimplemented));
  assert.match(decodeURIComponent(String(notImplemented.headers["grpc-message"])), /ListSchedules is not implemented/);
});

test("routes the lean path cannot serve (here: registered with handler options) still answer through connect-node", async (t) => {
  const server = await platform.serveGrpc({
    hostname: "127.0.0.1",
    port: 0,
    routes: (router) =>
      router.service(
        WorkflowService,
        {
          describeNamespace: (req) => create(DescribeNamespaceResponseSchema, { namespaceInfo: { name: req.namespace } }),
        },
        { readMaxBytes: 64 },
      ),
  });
  t.defer(() => server.close());
  const conn = connect({ address: `127.0.0.1:${server.port}`, retry: false }, platform);
  t.defer(() => conn.close());
  assert.equal((await conn.workflowService.describeNamespace({ namespace: "orders" })).namespaceInfo?.name, "orders");
  // connect-node enforces readMaxBytes; the lean path would not, so this proves who answered.
  const err = await conn.workflowService.describeNamespace({ namespace: "x".repeat(200) }).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError && err.code === Code.ResourceExhausted, String(err));
});

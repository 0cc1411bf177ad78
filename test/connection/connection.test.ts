import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import assert from "node:assert/strict";
import {
  GetSystemInfoResponseSchema,
  PollWorkflowTaskQueueResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { ServiceError } from "../../src/common/errors.ts";
import { CLIENT_NAME, VERSION } from "../../src/common/version.ts";
import { type Connection, connect } from "../../src/connection/connection.ts";
import type { ConnectionOptions } from "../../src/connection/options.ts";
import { type TestContext, test } from "../harness.ts";
import { testCertificates } from "../support/certs.ts";
import { startTestServer, type TestServerOptions } from "../support/grpc-server.ts";
import { runtimePlatform } from "../support/platform.ts";

const platform = await runtimePlatform();

async function setup(t: TestContext, server: TestServerOptions, options: ConnectionOptions = {}) {
  const srv = await startTestServer(server);
  t.defer(() => srv.close());
  const conn = connect({ address: srv.address, ...options }, platform);
  t.defer(() => conn.close());
  return { srv, conn };
}

const systemInfo = () => create(GetSystemInfoResponseSchema, { serverVersion: "test-1.0" });

test("reaches a WorkflowService over HTTP/2 and sends the Temporal headers", async (t) => {
  let seen: Headers | undefined;
  const { conn } = await setup(
    t,
    {
      impl: {
        getSystemInfo(_req, ctx: HandlerContext) {
          seen = ctx.requestHeader;
          return systemInfo();
        },
      },
    },
    { namespace: "orders", metadata: { "x-team": "payments" } },
  );
  const res = await conn.workflowService.getSystemInfo({});
  assert.equal(res.serverVersion, "test-1.0");
  assert.equal(seen?.get("temporal-namespace"), "orders");
  assert.equal(seen?.get("client-name"), CLIENT_NAME);
  assert.equal(seen?.get("client-version"), VERSION);
  assert.equal(seen?.get("x-team"), "payments");
  assert.equal(seen?.get("authorization"), null);
});

test("the API key arrives as a bearer token and can be rotated", async (t) => {
  const seen: (string | null)[] = [];
  const { conn } = await setup(
    t,
    {
      impl: {
        getSystemInfo(_req, ctx) {
          seen.push(ctx.requestHeader.get("authorization"));
          return systemInfo();
        },
      },
    },
    // The test server is cleartext, so TLS (which an API key turns on) is switched off explicitly.
    { apiKey: "key-one", tls: false },
  );
  await conn.workflowService.getSystemInfo({});
  conn.setApiKey("key-two");
  await conn.workflowService.getSystemInfo({});
  assert.deepEqual(seen, ["Bearer key-one", "Bearer key-two"]);
});

test("TLS with a given CA and a server-name override", async (t) => {
  const certs = testCertificates();
  const { conn } = await setup(
    t,
    { impl: { getSystemInfo: systemInfo }, tls: { key: certs.serverKey, cert: certs.serverCert } },
    { tls: { serverRootCaCert: certs.caCert, serverNameOverride: "temporal.test" } },
  );
  assert.equal((await conn.workflowService.getSystemInfo({})).serverVersion, "test-1.0");
});

test("TLS against an unknown CA fails with a TLS message", async (t) => {
  const certs = testCertificates();
  const { conn } = await setup(
    t,
    { impl: { getSystemInfo: systemInfo }, tls: { key: certs.serverKey, cert: certs.serverCert } },
    { tls: true, retry: false },
  );
  const err = await conn.workflowService.getSystemInfo({}).then(
    () => assert.fail("expected a TLS failure"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ServiceError, `expected ServiceError, got ${err}`);
  assert.match(err.message, /TLS handshake with Temporal at 127\.0\.0\.1:\d+ failed/);
});

function mtlsServer(): TestServerOptions {
  const certs = testCertificates();
  return {
    impl: { getSystemInfo: systemInfo },
    tls: { key: certs.serverKey, cert: certs.serverCert, ca: certs.caCert, requestClientCert: true },
  };
}

test("mTLS: a server that requires a client certificate accepts ours", async (t) => {
  const certs = testCertificates();
  const { conn } = await setup(t, mtlsServer(), {
    tls: { serverRootCaCert: certs.caCert, clientCert: certs.clientCert, clientPrivateKey: certs.clientKey },
  });
  assert.equal((await conn.workflowService.getSystemInfo({})).serverVersion, "test-1.0");
});

test(
  "mTLS: a client without a certificate is refused with a ServiceError",
  async (t) => {
    const certs = testCertificates();
    const { conn } = await setup(t, mtlsServer(), { tls: { serverRootCaCert: certs.caCert }, retry: false });
    await assert.rejects(conn.workflowService.getSystemInfo({}), ServiceError);
  },
  // Deno 2.9's node:tls raises the server's "CertificateRequired" alert as an
  // uncaught error outside the HTTP/2 session, ending the process; see
  // docs/runtimes.md. The positive mTLS case above runs on Deno.
  { runtimes: ["node", "bun"] },
);

test("a call retried after Unavailable succeeds", async (t) => {
  let calls = 0;
  const { conn } = await setup(
    t,
    {
      impl: {
        getSystemInfo() {
          calls++;
          if (calls < 3) throw new ConnectError("frontend warming up", Code.Unavailable);
          return systemInfo();
        },
      },
    },
    { retry: { initialMs: 5, maxMs: 20 } },
  );
  assert.equal((await conn.workflowService.getSystemInfo({})).serverVersion, "test-1.0");
  assert.equal(calls, 3);
});

test("a non-retryable status is not retried and keeps its code", async (t) => {
  let calls = 0;
  const { conn } = await setup(t, {
    impl: {
      describeNamespace() {
        calls++;
        throw new ConnectError("namespace orders not found", Code.NotFound);
      },
    },
  });
  const err = await conn.workflowService.describeNamespace({ namespace: "orders" }).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError);
  assert.equal(err.code, Code.NotFound);
  assert.equal(err.method, "describeNamespace");
  assert.match(err.message, /describeNamespace: namespace orders not found/);
  assert.equal(calls, 1);
});

test("retries give up after maxAttempts with the last error", async (t) => {
  let calls = 0;
  const { conn } = await setup(
    t,
    {
      impl: {
        getSystemInfo() {
          calls++;
          throw new ConnectError("still down", Code.Unavailable);
        },
      },
    },
    { retry: { initialMs: 1, maxMs: 5, maxAttempts: 4 } },
  );
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError);
  assert.equal(err.code, Code.Unavailable);
  assert.equal(calls, 4);
});

test("a per-call deadline ends a slow ordinary call with DeadlineExceeded", async (t) => {
  const { conn } = await setup(
    t,
    {
      impl: {
        async getSystemInfo(_req, ctx) {
          await new Promise((r) => {
            const timer = setTimeout(r, 5_000);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              r(undefined);
            });
          });
          return systemInfo();
        },
      },
    },
    { callTimeoutMs: 150, retry: false },
  );
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.DeadlineExceeded);
});

test("a long poll is not cut by the short ordinary deadline", async (t) => {
  const { conn } = await setup(
    t,
    {
      impl: {
        async pollWorkflowTaskQueue() {
          await new Promise((r) => setTimeout(r, 400));
          return create(PollWorkflowTaskQueueResponseSchema, { attempt: 1 });
        },
      },
    },
    { callTimeoutMs: 100 },
  );
  const res = await conn.workflowService.pollWorkflowTaskQueue({ namespace: "default" });
  assert.equal(res.attempt, 1);
});

test("connection refused gives an actionable message", async (t) => {
  // Bind a port, then free it: nothing listens there any more.
  const srv = await startTestServer({ impl: {} });
  const address = srv.address;
  await srv.close();
  const conn = connect({ address, retry: { initialMs: 1, maxMs: 2, maxAttempts: 2 } }, platform);
  t.defer(() => conn.close());
  const err = await conn.workflowService.getSystemInfo({}).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.Unavailable);
  assert.equal(
    err.message,
    `cannot reach Temporal at ${address} (connection refused): is the server running? Set TEMPORAL_ADDRESS or --address`,
  );
});

test("close() ends the session: later calls fail instead of hanging", async (t) => {
  const { conn } = await setup(t, { impl: { getSystemInfo: systemInfo } }, { retry: false });
  await conn.workflowService.getSystemInfo({});
  await conn.close();
  const outcome = await Promise.race([
    conn.workflowService.getSystemInfo({}).then(
      () => "answered",
      () => "failed",
    ),
    new Promise((r) => setTimeout(() => r("hung"), 5_000)),
  ]);
  assert.notEqual(outcome, "hung");
});

export type { Connection };

// Connection.connect / lazy through the runtime's `temporal-edge-worker/client` entry.
import { Code } from "@connectrpc/connect";
import assert from "node:assert/strict";
import { ServiceError } from "../../src/client/index.ts";
import { test } from "../harness.ts";
import { startTestServer } from "../support/grpc-server.ts";
import { clientEntry } from "./fake-server.ts";

test("Connection.connect checks reachability with GetSystemInfo, without a platform argument", async (t) => {
  const { Connection, Client } = await clientEntry();
  let systemInfoCalls = 0;
  let namespaceHeader: string | null = null;
  const srv = await startTestServer({
    impl: {
      getSystemInfo(_req, ctx) {
        systemInfoCalls++;
        namespaceHeader = ctx.requestHeader.get("temporal-namespace");
        return { serverVersion: "9.9.9" };
      },
    },
  });
  t.defer(() => srv.close());
  const conn = await Connection.connect({ address: srv.address, namespace: "billing" });
  t.defer(() => conn.close());
  assert.equal(systemInfoCalls, 1);
  assert.equal(namespaceHeader, "billing");
  await conn.ensureConnected();
  assert.equal(systemInfoCalls, 1, "ensureConnected is memoised after a success");
  const client = new Client({ connection: conn });
  assert.equal(client.options.namespace, "billing");
  assert.match(client.options.identity, /^\d+@.+/);
});

test("Connection.connect to a closed port rejects with the actionable ServiceError", async () => {
  const { Connection } = await clientEntry();
  const srv = await startTestServer({ impl: {} });
  const address = srv.address;
  await srv.close();
  const err = await Connection.connect({ address, retry: false }).catch((e: unknown) => e);
  assert.ok(err instanceof ServiceError, String(err));
  assert.equal(err.code, Code.Unavailable);
  assert.equal(err.message, `cannot reach Temporal at ${address} (connection refused): is the server running? Set TEMPORAL_ADDRESS or --address`);
});

test("Connection.lazy does not contact the server until the first call", async (t) => {
  const { Connection } = await clientEntry();
  let calls = 0;
  const srv = await startTestServer({ impl: { getSystemInfo: () => (calls++, {}) } });
  t.defer(() => srv.close());
  const conn = Connection.lazy({ address: srv.address });
  t.defer(() => conn.close());
  assert.equal(calls, 0);
  await conn.ensureConnected();
  assert.equal(calls, 1);
});

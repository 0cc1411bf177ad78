// A real-gRPC fake WorkflowService and a client of this project bound to it,
// through the runtime's own `temporal-edge-worker/client` entry.
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { ClientOptions, ConnectionOptions } from "../../src/client/index.ts";
import { defaultPayloadConverter } from "../../src/converter/index.ts";
import type { Payload } from "../../src/converter/types.ts";
import { currentRuntime, type TestContext } from "../harness.ts";
import { startTestServer } from "../support/grpc-server.ts";

/** The runtime's `temporal-edge-worker/client` module (src/adapters/<runtime>/client.ts). */
export async function clientEntry(): Promise<typeof import("../../src/client/index.ts")> {
  const rt = currentRuntime();
  if (rt === "bun") return import("../../src/adapters/bun/client.ts");
  if (rt === "deno") return import("../../src/adapters/deno/client.ts");
  return import("../../src/adapters/node/client.ts");
}

export async function fakeServerClient(
  t: TestContext,
  impl: Partial<ServiceImpl<typeof WorkflowService>>,
  options: Omit<ClientOptions, "connection"> = {},
  connectionOptions: ConnectionOptions = {},
) {
  const { Client, Connection } = await clientEntry();
  // Connection.connect checks reachability with GetSystemInfo.
  const srv = await startTestServer({ impl: { getSystemInfo: () => ({}), ...impl } });
  t.defer(() => srv.close());
  const connection = await Connection.connect({ address: srv.address, retry: false, ...connectionOptions });
  t.defer(() => connection.close());
  const client = new Client({ connection, namespace: "orders", identity: "test-client", ...options });
  return { client, connection, srv };
}

export const json = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
export const fromJson = (payload: Payload | undefined): unknown => (payload ? defaultPayloadConverter.fromPayload(payload) : undefined);

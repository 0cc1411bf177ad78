// A small WorkflowService served by connect-node over real HTTP/2 (cleartext
// or TLS), for tests of the connection layer on every runtime.
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";

export interface TestServerOptions {
  impl: Partial<ServiceImpl<typeof WorkflowService>>;
  tls?: { key: string; cert: string; ca?: string; requestClientCert?: boolean };
}

export interface TestServer {
  address: string;
  port: number;
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const handler = connectNodeAdapter({
    grpc: true,
    connect: false,
    grpcWeb: false,
    routes: (router: ConnectRouter) => router.service(WorkflowService, options.impl),
  });
  const server = options.tls
    ? http2.createSecureServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca ? { ca: options.tls.ca } : {}),
          requestCert: options.tls.requestClientCert ?? false,
          rejectUnauthorized: options.tls.requestClientCert ?? false,
        },
        handler,
      )
    : http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s: http2.ServerHttp2Session) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// Serves Connect routes as gRPC over cleartext HTTP/2 with connect-node's
// handler on node:http2; the same code runs on Node, Bun and Deno.
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { GrpcServer, ServeGrpcOptions } from "../../platform/platform.ts";

export async function serveNodeGrpc(options: ServeGrpcOptions): Promise<GrpcServer> {
  const handler = connectNodeAdapter({ grpc: true, connect: false, grpcWeb: false, routes: options.routes });
  const server = http2.createServer(handler);
  // Track sessions so close() can end long polls instead of waiting for them.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hostname: options.hostname,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

// Serves Connect routes as gRPC over cleartext HTTP/2 on node:http2; the same
// code runs on Node, Bun and Deno. Unary methods take a lean path straight off
// the HTTP/2 stream (grpc-unary-call.ts); anything else (streaming methods,
// routes with handler options) goes to connect-node's generic adapter.
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { GrpcServer, ServeGrpcOptions } from "../../platform/platform.ts";
import { collectGrpcRoutes } from "./grpc-route-table.ts";
import { serveUnaryCall } from "./grpc-unary-call.ts";

type StreamListener = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => void;

export async function serveNodeGrpc(options: ServeGrpcOptions): Promise<GrpcServer> {
  const table = collectGrpcRoutes(options.routes);
  const server = table.needsGenericAdapter
    ? http2.createServer(connectNodeAdapter({ grpc: true, connect: false, grpcWeb: false, routes: table.replay }))
    : http2.createServer();
  // With a request handler, node:http2 (and Bun's and Deno's versions of it)
  // turns every stream into compat request/response objects from a 'stream'
  // listener; take those listeners over so only non-lean calls pay for that.
  const generic = server.listeners("stream") as StreamListener[];
  server.removeAllListeners("stream");
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) => {
    const route = headers[":method"] === "POST" ? table.unary.get(headers[":path"] ?? "") : undefined;
    if (route !== undefined) serveUnaryCall(stream, headers, route);
    else if (generic.length > 0) for (const listener of generic) listener.call(server, stream, headers, ...rest);
    else serveUnknownMethod(stream, headers);
  });
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

/** gRPC's answer to a path no route serves: Unimplemented, trailers-only. */
function serveUnknownMethod(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
  stream.on("error", () => {});
  stream.resume();
  if (stream.destroyed || stream.headersSent) return;
  const message = `this server does not implement ${headers[":method"] ?? "?"} ${headers[":path"] ?? "?"}; check the service and method name`;
  stream.respond(
    { ":status": 200, "content-type": "application/grpc+proto", "grpc-status": "12", "grpc-message": encodeURIComponent(message) },
    { endStream: true },
  );
}

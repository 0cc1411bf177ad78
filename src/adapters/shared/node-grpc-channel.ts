// The gRPC-over-HTTP/2 channel for every runtime: connect-node's transport runs
// on Node, Bun and Deno alike (through their node:http2), so the three
// adapters share it. A fetch-only edge runtime would supply a gRPC-web
// transport here instead.
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { SecureClientSessionOptions } from "node:http2";
import type { GrpcChannel, GrpcChannelOptions } from "../../platform/platform.ts";

export function createNodeGrpcChannel(options: GrpcChannelOptions): GrpcChannel {
  const tls = options.tls;
  const baseUrl = `${tls ? "https" : "http"}://${options.address}`;
  const nodeOptions: SecureClientSessionOptions = {};
  if (tls) {
    if (tls.serverRootCaCert !== undefined) nodeOptions.ca = tls.serverRootCaCert;
    if (tls.clientCert !== undefined) nodeOptions.cert = tls.clientCert;
    if (tls.clientPrivateKey !== undefined) nodeOptions.key = tls.clientPrivateKey;
    if (tls.serverNameOverride !== undefined) nodeOptions.servername = tls.serverNameOverride;
  }
  // Keep the session alive through idle periods between long polls, and
  // notice a dead peer within a minute.
  const sessionManager = new Http2SessionManager(
    baseUrl,
    { pingIntervalMs: 30_000, pingTimeoutMs: 15_000, idleConnectionTimeoutMs: 15 * 60_000 },
    nodeOptions,
  );
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    nodeOptions,
    interceptors: options.interceptors,
  });
  return {
    transport,
    close() {
      sessionManager.abort();
    },
  };
}

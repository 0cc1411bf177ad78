// Serves a fetch-style handler with @hono/node-server: the HTTP server for Node
// (Bun and Deno have native servers of their own).
import { createAdaptorServer } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { HttpServer, ServeHttpOptions } from "../../platform/platform.ts";

export function serveNodeHttp(options: ServeHttpOptions): Promise<HttpServer> {
  const server = createAdaptorServer({ fetch: options.fetch, hostname: options.hostname, port: options.port });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo;
      resolve({
        port: address.port,
        hostname: options.hostname,
        close: () =>
          new Promise<void>((done) => {
            if ("closeAllConnections" in server) (server as { closeAllConnections(): void }).closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

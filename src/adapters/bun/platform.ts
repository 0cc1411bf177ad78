import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncLocalStore, Platform } from "../../platform/platform.ts";
import { createNodeGrpcChannel } from "../shared/node-grpc-channel.ts";
import { spawnWebWorkflowThread, threadEntry } from "../shared/workflow-threads.ts";

// The few Bun globals this adapter uses, typed here so the project builds
// without bun-types.
interface BunServer {
  port: number;
  hostname: string;
  stop(closeActive?: boolean): Promise<void> | void;
}
declare const Bun: {
  version: string;
  env: Record<string, string | undefined>;
  serve(options: { hostname: string; port: number; fetch: (request: Request) => Response | Promise<Response> }): BunServer;
};

/** Runtime powers on Bun (1.4). */
export const bunPlatform: Platform = {
  runtime: "bun",
  runtimeVersion: Bun.version,
  createGrpcChannel: createNodeGrpcChannel,
  // Loaded on first use: only the dev server serves gRPC, and a worker's start-up should not pay for it.
  serveGrpc: async (options) => (await import("../shared/node-grpc-server.ts")).serveNodeGrpc(options),
  env: (name) => Bun.env[name],
  envAll: () => ({ ...Bun.env }) as Record<string, string>,
  readTextFile: (path) => readFile(path, "utf8"),
  readFile: async (path) => new Uint8Array(await readFile(path)),
  importModule: (path) => import(pathToFileURL(resolve(path)).href),
  hostname: () => hostname(),
  pid: () => process.pid,
  onShutdownSignal(handler) {
    const onInt = () => handler("SIGINT");
    const onTerm = () => handler("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    return () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  },
  async serveHttp(options) {
    const server = Bun.serve({ hostname: options.hostname, port: options.port, fetch: options.fetch });
    return {
      port: server.port,
      hostname: server.hostname,
      close: async () => {
        await server.stop(true);
      },
    };
  },
  write(stream, text) {
    (stream === "stdout" ? process.stdout : process.stderr).write(text);
  },
  isTerminal: () => process.stdout.isTTY === true,
  exit: (code) => process.exit(code),
  createAsyncLocalStorage: <T>(): AsyncLocalStore<T> => new AsyncLocalStorage<T>(),
  spawnWorkflowThread: () => spawnWebWorkflowThread(threadEntry(import.meta.url)),
};

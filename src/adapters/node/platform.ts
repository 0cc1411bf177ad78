import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncLocalStore, Platform } from "../../platform/platform.ts";
import { createNodeGrpcChannel } from "../shared/node-grpc-channel.ts";
import { spawnNodeWorkflowThread } from "../shared/node-workflow-threads.ts";
import { threadEntry } from "../shared/workflow-threads.ts";

/** Runtime powers on Node.js (20, 22, 24). */
export const nodePlatform: Platform = {
  runtime: "node",
  runtimeVersion: process.versions.node,
  createGrpcChannel: createNodeGrpcChannel,
  // Loaded on first use: only the dev server serves gRPC, and a worker's start-up should not pay for it.
  serveGrpc: async (options) => (await import("../shared/node-grpc-server.ts")).serveNodeGrpc(options),
  env: (name) => process.env[name],
  envAll: () => ({ ...process.env }) as Record<string, string>,
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
  // Hono's Node server is loaded when the health endpoint starts, not with every worker.
  serveHttp: async (options) => (await import("../shared/node-http-server.ts")).serveNodeHttp(options),
  write(stream, text) {
    (stream === "stdout" ? process.stdout : process.stderr).write(text);
  },
  isTerminal: () => process.stdout.isTTY === true,
  exit: (code) => process.exit(code),
  createAsyncLocalStorage: <T>(): AsyncLocalStore<T> => new AsyncLocalStorage<T>(),
  spawnWorkflowThread: () => spawnNodeWorkflowThread(threadEntry(import.meta.url)),
};

import { AsyncLocalStorage } from "node:async_hooks";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncLocalStore, Platform } from "../../platform/platform.ts";
import { createNodeGrpcChannel } from "../shared/node-grpc-channel.ts";
import { serveNodeGrpc } from "../shared/node-grpc-server.ts";
import { spawnNodeWorkflowThread, threadEntry } from "../shared/workflow-threads.ts";
import { serveNodeHttp } from "../shared/node-http-server.ts";

/** Runtime powers on Node.js (20, 22, 24). */
export const nodePlatform: Platform = {
  runtime: "node",
  runtimeVersion: process.versions.node,
  createGrpcChannel: createNodeGrpcChannel,
  serveGrpc: serveNodeGrpc,
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
  serveHttp: serveNodeHttp,
  write(stream, text) {
    (stream === "stdout" ? process.stdout : process.stderr).write(text);
  },
  isTerminal: () => process.stdout.isTTY === true,
  exit: (code) => process.exit(code),
  createAsyncLocalStorage: <T>(): AsyncLocalStore<T> => new AsyncLocalStorage<T>(),
  spawnWorkflowThread: () => spawnNodeWorkflowThread(threadEntry(import.meta.url)),
};

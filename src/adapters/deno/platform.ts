import { AsyncLocalStorage } from "node:async_hooks";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncLocalStore, Platform } from "../../platform/platform.ts";
import { createNodeGrpcChannel } from "../shared/node-grpc-channel.ts";
import { spawnWebWorkflowThread, threadEntry } from "../shared/workflow-threads.ts";

// The few Deno globals this adapter uses, typed here so the project builds
// without Deno's lib.
interface DenoHttpServer {
  addr: { hostname: string; port: number };
  shutdown(): Promise<void>;
  finished: Promise<void>;
}
type DenoSignal = "SIGINT" | "SIGTERM";
declare const Deno: {
  version: { deno: string };
  args: string[];
  pid: number;
  env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  hostname(): string;
  readTextFile(path: string): Promise<string>;
  readFile(path: string): Promise<Uint8Array>;
  addSignalListener(signal: DenoSignal, handler: () => void): void;
  removeSignalListener(signal: DenoSignal, handler: () => void): void;
  serve(
    options: { hostname: string; port: number; onListen?: (addr: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): DenoHttpServer;
  stdout: { writeSync(data: Uint8Array): number; isTerminal(): boolean };
  stderr: { writeSync(data: Uint8Array): number };
  exit(code: number): never;
};

const encoder = new TextEncoder();

function writeAll(sink: { writeSync(data: Uint8Array): number }, text: string): void {
  let data = encoder.encode(text);
  while (data.length > 0) data = data.subarray(sink.writeSync(data));
}

/** Runtime powers on Deno (2.x). */
export const denoPlatform: Platform = {
  runtime: "deno",
  runtimeVersion: Deno.version.deno,
  createGrpcChannel: createNodeGrpcChannel,
  // Loaded on first use: only the dev server serves gRPC, and a worker's start-up should not pay for it.
  serveGrpc: async (options) => (await import("../shared/node-grpc-server.ts")).serveNodeGrpc(options),
  env: (name) => Deno.env.get(name),
  envAll: () => Deno.env.toObject(),
  readTextFile: (path) => Deno.readTextFile(path),
  readFile: (path) => Deno.readFile(path),
  importModule: (path) => import(pathToFileURL(resolve(path)).href),
  hostname: () => Deno.hostname(),
  pid: () => Deno.pid,
  onShutdownSignal(handler) {
    const onInt = () => handler("SIGINT");
    const onTerm = () => handler("SIGTERM");
    Deno.addSignalListener("SIGINT", onInt);
    Deno.addSignalListener("SIGTERM", onTerm);
    return () => {
      Deno.removeSignalListener("SIGINT", onInt);
      Deno.removeSignalListener("SIGTERM", onTerm);
    };
  },
  async serveHttp(options) {
    const server = Deno.serve({ hostname: options.hostname, port: options.port, onListen: () => {} }, options.fetch);
    return {
      port: server.addr.port,
      hostname: server.addr.hostname,
      close: () => server.shutdown(),
    };
  },
  write(stream, text) {
    writeAll(stream === "stdout" ? Deno.stdout : Deno.stderr, text);
  },
  isTerminal: () => Deno.stdout.isTerminal(),
  exit: (code) => Deno.exit(code),
  createAsyncLocalStorage: <T>(): AsyncLocalStore<T> => new AsyncLocalStorage<T>(),
  spawnWorkflowThread: () => spawnWebWorkflowThread(threadEntry(import.meta.url)),
};

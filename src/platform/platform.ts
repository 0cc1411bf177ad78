import type { ConnectRouter, Transport } from "@connectrpc/connect";

/**
 * The runtime powers the core needs but may not import itself. Each adapter
 * (src/adapters/{node,bun,deno}) supplies one `Platform`; the core only ever
 * sees this interface, which keeps it free of `node:*`, `process`, `Bun` and
 * `Deno` (checked by `npm run check:core`).
 */
export interface Platform {
  /** "node", "bun" or "deno": for logs and the health endpoint. */
  readonly runtime: RuntimeName;
  /** The runtime's own version string, e.g. "20.20.2". */
  readonly runtimeVersion: string;
  /** Opens an HTTP/2 gRPC channel to a Temporal frontend. */
  createGrpcChannel(options: GrpcChannelOptions): GrpcChannel;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** The whole environment, for configuration loading. */
  envAll(): Record<string, string>;
  /** Reads a file as UTF-8 text (certificates, config files, histories). */
  readTextFile(path: string): Promise<string>;
  /** Reads a file as bytes (binary histories). */
  readFile(path: string): Promise<Uint8Array>;
  /** Imports a user module (workflows, activities, config) by path. */
  importModule(path: string): Promise<Record<string, unknown>>;
  /** Host name and process id, for the default worker identity `pid@host`. */
  hostname(): string;
  pid(): number;
  /** Runs `handler` on SIGINT/SIGTERM; returns a function that removes it. */
  onShutdownSignal(handler: (signal: "SIGINT" | "SIGTERM") => void): () => void;
  /** Serves gRPC services over cleartext HTTP/2 (the dev server). */
  serveGrpc(options: ServeGrpcOptions): Promise<GrpcServer>;
  /** Serves a fetch-style handler over HTTP/1.1 (the health endpoint). */
  serveHttp(options: ServeHttpOptions): Promise<HttpServer>;
  /** Writes a line to standard output or standard error. */
  write(stream: "stdout" | "stderr", text: string): void;
  /** Whether standard output is a terminal (human-readable logs) or not (JSON lines). */
  isTerminal(): boolean;
  /** Ends the process. */
  exit(code: number): never;
  /**
   * A store whose value follows the asynchronous flow of the code run inside
   * it (Node's AsyncLocalStorage semantics): how `Context.current()` finds the
   * running activity after any number of awaits, timers and callbacks.
   */
  createAsyncLocalStorage<T>(): AsyncLocalStore<T>;
  /**
   * Starts a thread that runs workflow code (`worker_threads` on Node, a Web
   * Worker on Bun and Deno), entered at src/adapters/<runtime>/workflow-thread.ts.
   * Messages cross as structured clones.
   */
  spawnWorkflowThread(): WorkflowThreadHandle;
}

/** The main thread's side of a workflow thread. */
export interface WorkflowThreadHandle {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  /** An uncaught error ended or broke the thread. */
  onError(handler: (error: unknown) => void): void;
  /**
   * Stops the thread. On Node and Bun this also stops code spinning in it;
   * on Deno 2.9 it does not (the core stays busy until the process exits),
   * which is why Deno threads interrupt their own activations (node:vm timeout).
   */
  terminate(): Promise<void>;
}

export interface AsyncLocalStore<T> {
  /** Runs `fn` with `value` as the store's value for everything `fn` starts, synchronously or not. */
  run<R>(value: T, fn: () => R): R;
  /** The value of the innermost `run` this code descends from, if any. */
  getStore(): T | undefined;
}

export type RuntimeName = "node" | "bun" | "deno";

export interface TlsConfig {
  /** PEM CA bundle; system roots when absent. */
  serverRootCaCert?: string;
  /** Overrides the name checked against the server certificate (SNI too). */
  serverNameOverride?: string;
  /** PEM client certificate and key, for mTLS. */
  clientCert?: string;
  clientPrivateKey?: string;
}

export interface GrpcChannelOptions {
  /** host:port */
  address: string;
  /** TLS settings, or `undefined` for plaintext HTTP/2. */
  tls: TlsConfig | undefined;
  /**
   * The metadata sent with every call (namespace, client name and version,
   * API key, user metadata). Called once per call, so it must be cheap: the
   * connection returns a record it rebuilds only when the API key changes.
   */
  headers: () => Readonly<Record<string, string>>;
}

export interface GrpcChannel {
  readonly transport: Transport;
  /** Closes the HTTP/2 session(s); in-flight calls are aborted. */
  close(): void;
}

export interface ServeHttpOptions {
  hostname: string;
  port: number;
  fetch: (request: Request) => Response | Promise<Response>;
}

export interface HttpServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  readonly hostname: string;
  close(): Promise<void>;
}

export interface ServeGrpcOptions {
  hostname: string;
  /** 0 picks a free port. */
  port: number;
  /** Registers the services, e.g. `(router) => router.service(WorkflowService, impl)`. */
  routes: (router: ConnectRouter) => void;
}

export interface GrpcServer {
  /** The bound port (useful with port 0). */
  readonly port: number;
  readonly hostname: string;
  /** Stops accepting calls and ends open sessions, aborting calls in flight. */
  close(): Promise<void>;
}

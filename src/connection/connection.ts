import type { DescService } from "@bufbuild/protobuf";
import { type CallOptions, type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import type { OperatorService } from "../../gen/temporal/api/operatorservice/v1/service_pb.ts";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { backoffDelay, resourceExhaustedBackoff, sleep } from "../common/backoff.ts";
import { CLIENT_NAME, VERSION } from "../common/version.ts";
import type { GrpcChannel, Platform } from "../platform/platform.ts";
import { isLongPoll } from "./methods.ts";
import { type ConnectionOptions, type ResolvedConnectionOptions, resolveConnectionOptions } from "./options.ts";
import { retryableCodes, toServiceError } from "./service-errors.ts";

export type WorkflowServiceClient = Client<typeof WorkflowService>;
export type OperatorServiceClient = Client<typeof OperatorService>;

/** An open connection to a Temporal frontend. */
export interface Connection {
  readonly options: ResolvedConnectionOptions;
  /** temporal.api.workflowservice.v1.WorkflowService, with deadlines, retries and friendly errors. */
  readonly workflowService: WorkflowServiceClient;
  readonly operatorService: OperatorServiceClient;
  /** Replaces the API key used by subsequent calls (keys rotate). */
  setApiKey(apiKey: string): void;
  /** Closes the HTTP/2 session; calls in flight are aborted. */
  close(): Promise<void>;
}

/** The parts of a Platform a connection needs. */
export type ConnectionPlatform = Pick<Platform, "createGrpcChannel">;

/**
 * Opens a connection. The HTTP/2 session is made lazily on the first call,
 * so this never throws for an unreachable server; the first call does, with
 * an actionable ServiceError.
 */
export function connect(options: ConnectionOptions, platform: ConnectionPlatform): Connection {
  const resolved = resolveConnectionOptions(options);
  // Built once (and again when the API key rotates) rather than per call.
  let headers = callHeaders(resolved, resolved.apiKey);
  const channel = platform.createGrpcChannel({ address: resolved.address, tls: resolved.tls, headers: () => headers });
  return {
    options: resolved,
    workflowService: wrapService(WorkflowService, channel, resolved),
    operatorService: lazyOperatorService(channel, resolved),
    setApiKey(key: string) {
      headers = callHeaders(resolved, key);
    },
    async close() {
      channel.close();
    },
  };
}

/** The gRPC request headers of every call: protocol, Temporal's client headers, user metadata, API key. */
function callHeaders(options: ResolvedConnectionOptions, apiKey: string | undefined): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    "temporal-namespace": options.namespace,
    "client-name": CLIENT_NAME,
    "client-version": VERSION,
    "user-agent": `${CLIENT_NAME}/${VERSION}`,
  };
  for (const [key, value] of Object.entries(options.metadata)) headers[key.toLowerCase()] = value;
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  headers["content-type"] = "application/grpc+proto";
  // Required by gRPC over HTTP/2: it flushes out proxies that drop trailers.
  headers.te = "trailers";
  return Object.freeze(headers);
}

/**
 * Wraps every method of a Connect client with the deadline that fits the call
 * (ordinary or long poll), retries with backoff for retryable codes, and
 * conversion of failures into ServiceError.
 */
function wrapService<S extends DescService>(
  service: S,
  channel: GrpcChannel,
  options: ResolvedConnectionOptions,
): Client<S> {
  const raw = createClient(service, channel.transport) as unknown as Record<string, RawMethod>;
  const wrapped: Record<string, RawMethod> = {};
  for (const name of Object.keys(service.method)) {
    const call = raw[name];
    if (call === undefined) continue;
    wrapped[name] = (request, callOptions) => invoke(name, call, request, callOptions, options);
  }
  return wrapped as unknown as Client<S>;
}

/**
 * The operator service, loaded on its first call: a worker never calls it,
 * and its descriptors cost start-up time (about 50 ms on Node) for nothing.
 */
function lazyOperatorService(channel: GrpcChannel, options: ResolvedConnectionOptions): OperatorServiceClient {
  let loaded: Promise<Record<string, RawMethod>> | undefined;
  const load = () => {
    loaded ??= import("../../gen/temporal/api/operatorservice/v1/service_pb.ts").then(
      ({ OperatorService }) => wrapService(OperatorService, channel, options) as unknown as Record<string, RawMethod>,
    );
    return loaded;
  };
  const methods = new Map<string, RawMethod>();
  return new Proxy({} as OperatorServiceClient, {
    get(_target, name) {
      // Not a thenable: `await connection.operatorService` must not call a method.
      if (typeof name !== "string" || name === "then") return undefined;
      let method = methods.get(name);
      if (method === undefined) {
        method = async (request, callOptions) => {
          const call = (await load())[name];
          if (call === undefined) throw new TypeError(`operatorService.${name}: no such method of temporal.api.operatorservice.v1.OperatorService`);
          return call(request, callOptions);
        };
        methods.set(name, method);
      }
      return method;
    },
  });
}

type RawMethod = (request: unknown, options?: CallOptions) => Promise<unknown>;

async function invoke(
  method: string,
  call: RawMethod,
  request: unknown,
  callOptions: CallOptions | undefined,
  options: ResolvedConnectionOptions,
): Promise<unknown> {
  const longPoll = isLongPoll(method, request);
  const timeoutMs = callOptions?.timeoutMs ?? (longPoll ? options.longPollTimeoutMs : options.callTimeoutMs);
  const retry = longPoll ? undefined : options.retry;
  const started = Date.now();
  const context = { address: options.address, method, tls: options.tls !== undefined };
  for (let attempt = 1; ; attempt++) {
    const remaining = timeoutMs - (Date.now() - started);
    try {
      return await call(request, { ...callOptions, timeoutMs: Math.max(1, remaining) });
    } catch (err) {
      const ce = ConnectError.from(err);
      const signal = callOptions?.signal;
      if (signal?.aborted || !retry || !retryableCodes.has(ce.code) || attempt >= retry.maxAttempts) {
        throw toServiceError(err, context);
      }
      const delay = backoffDelay(ce.code === Code.ResourceExhausted ? resourceExhaustedBackoff : retry, attempt);
      const elapsed = Date.now() - started;
      if (elapsed + delay > Math.min(retry.maxElapsedMs, timeoutMs)) throw toServiceError(err, context);
      try {
        await sleep(delay, signal);
      } catch {
        throw toServiceError(err, context);
      }
    }
  }
}

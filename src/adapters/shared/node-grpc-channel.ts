// The gRPC-over-HTTP/2 channel for every runtime: node:http2 works on Node,
// Bun and Deno alike, so the three adapters share it. connect-node's session
// manager keeps the HTTP/2 session (lazy connect, keep-alive pings, GOAWAY,
// reconnect); each unary call is one stream on it, sent and read here without
// Connect's generic streaming machinery (see grpc-unary-transport.ts for why).
// A fetch-only edge runtime would supply a gRPC-web transport here instead.
import { Code, ConnectError } from "@connectrpc/connect";
import { Http2SessionManager } from "@connectrpc/connect-node";
import { type ClientHttp2Stream, constants, type IncomingHttpHeaders, type SecureClientSessionOptions } from "node:http2";
import { createGrpcUnaryTransport, type GrpcExchange, type GrpcExchangeResponse } from "../../connection/grpc-unary-transport.ts";
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
  return {
    transport: createGrpcUnaryTransport(createExchange(sessionManager), options.headers),
    close() {
      sessionManager.abort();
    },
  };
}

const empty = new Uint8Array(0);

function createExchange(sessionManager: Http2SessionManager): GrpcExchange {
  return (request) => {
    const { signal, timeoutMs } = request;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<GrpcExchangeResponse>((resolve, reject) => {
      let stream: ClientHttp2Stream | undefined;
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      let trailers: IncomingHttpHeaders = {};
      const chunks: Uint8Array[] = [];
      let received = 0;
      let settled = false;
      const finish = (error: ConnectError | undefined) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (error !== undefined) {
          // RST_STREAM CANCEL, as gRPC maps a client-side cancellation or deadline.
          if (stream !== undefined && !stream.closed) stream.close(constants.NGHTTP2_CANCEL);
          reject(error);
          return;
        }
        resolve({ status, headers, trailers, body: joinChunks(chunks, received) });
      };
      const onAbort = () => finish(signal ? abortError(signal) : new ConnectError("call aborted", Code.Canceled));
      // Armed before the session is ready, so the deadline also covers connecting.
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(new ConnectError("the operation timed out", Code.DeadlineExceeded)), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });

      sessionManager.request("POST", request.path, request.headers, {}).then(
        (s) => {
          stream = s;
          if (settled) {
            s.close(constants.NGHTTP2_CANCEL);
            return;
          }
          s.on("response", (h) => {
            headers = h;
            status = Number(h[":status"] ?? 0);
          });
          s.on("trailers", (t) => {
            trailers = t;
          });
          // The manager also asks to hear of every chunk read, to put off its
          // keep-alive PING; it already does so when the response headers arrive,
          // which for a unary call is moments before its body, and telling it per
          // chunk re-arms a timer each time (costly on Bun).
          s.on("data", (chunk: Uint8Array) => {
            chunks.push(chunk);
            received += chunk.length;
          });
          s.on("error", (err) => finish(fromNodeError(err)));
          s.on("close", () => finish(closeError(s)));
          s.end(request.body);
        },
        (err: unknown) => finish(fromNodeError(err)),
      );
    });
  };
}

/** Why a stream closed without a complete response, or undefined when it ended normally. */
function closeError(stream: ClientHttp2Stream): ConnectError | undefined {
  const code = stream.rstCode;
  if (code === undefined || code === constants.NGHTTP2_NO_ERROR) return undefined;
  const message = `HTTP/2 stream closed by the server with error code 0x${code.toString(16)}`;
  switch (code) {
    case constants.NGHTTP2_REFUSED_STREAM:
      return new ConnectError(message, Code.Unavailable);
    case constants.NGHTTP2_CANCEL:
      return new ConnectError(message, Code.Canceled);
    case constants.NGHTTP2_ENHANCE_YOUR_CALM:
      return new ConnectError(message, Code.ResourceExhausted);
    case constants.NGHTTP2_INADEQUATE_SECURITY:
    case constants.NGHTTP2_HTTP_1_1_REQUIRED:
      return new ConnectError(message, Code.PermissionDenied);
    default:
      return new ConnectError(message, Code.Internal);
  }
}

function abortError(signal: AbortSignal): ConnectError {
  return ConnectError.from(signal.reason, Code.Canceled);
}

/**
 * A socket or HTTP/2 error as a ConnectError whose cause is the original, so
 * the connection can still name the reason (refused, DNS, TLS, reset).
 */
function fromNodeError(err: unknown): ConnectError {
  if (err instanceof ConnectError) return err;
  const codes: unknown[] = [];
  for (let cur: unknown = err, depth = 0; typeof cur === "object" && cur !== null && depth < 6; depth++) {
    codes.push((cur as { code?: unknown }).code);
    cur = (cur as { cause?: unknown }).cause;
  }
  const has = (...names: string[]) => codes.some((c) => typeof c === "string" && names.includes(c));
  const code = has("ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "ECONNRESET", "EPIPE", "ERR_HTTP2_GOAWAY_SESSION")
    ? Code.Unavailable
    : Code.Internal;
  const ce = ConnectError.from(err, code);
  if (ce !== err) ce.cause = err;
  return ce;
}

function joinChunks(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  if (chunks.length === 0) return empty;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

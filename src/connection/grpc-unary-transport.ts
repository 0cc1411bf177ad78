import { create, type DescMessage, type DescMethodUnary, fromBinary, isMessage, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { codeFromHttpStatus, findTrailerError } from "@connectrpc/connect/protocol-grpc";

/**
 * One HTTP/2 request carrying a complete gRPC request body, as a runtime
 * adapter sends it. The adapter owns the deadline and the abort signal: both
 * must reset the stream (CANCEL) and reject with a ConnectError
 * (DeadlineExceeded for the deadline).
 */
export interface GrpcExchangeRequest {
  /** `/package.Service/Method` */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number | undefined;
  signal: AbortSignal | undefined;
}

/** Headers and trailers as node:http2 gives them (lower-case names). */
export type RawHeaders = Readonly<Record<string, string | string[] | number | undefined>>;

export interface GrpcExchangeResponse {
  status: number;
  headers: RawHeaders;
  /** The response body, all DATA frames joined. */
  body: Uint8Array;
  /** Empty for a trailers-only response (the status is then in `headers`). */
  trailers: RawHeaders;
}

/** Sends one request; rejects with a ConnectError (the cause kept) for transport failures. */
export type GrpcExchange = (request: GrpcExchangeRequest) => Promise<GrpcExchangeResponse>;

/**
 * A Connect Transport for unary gRPC calls written for throughput: the
 * request is serialised and framed in one buffer and handed to the adapter's
 * HTTP/2 exchange, and the answer is parsed straight from the joined body.
 * Connect's generic transport builds async iterables, two abort signals, a
 * Headers object per direction and an error it never throws for every call,
 * which made up most of a worker's CPU time per activity. No compression is
 * offered or accepted (Temporal payloads are usually small and often already
 * encoded by a codec, and the dev server is on loopback).
 *
 * The Temporal services have no streaming methods, so `stream` rejects.
 */
export function createGrpcUnaryTransport(exchange: GrpcExchange, headers: () => Readonly<Record<string, string>>): Transport {
  const paths = new WeakMap<object, string>();
  const pathOf = (method: DescMethodUnary): string => {
    let path = paths.get(method);
    if (path === undefined) {
      path = `/${method.parent.typeName}/${method.name}`;
      paths.set(method, path);
    }
    return path;
  };

  async function unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    signal: AbortSignal | undefined,
    timeoutMs: number | undefined,
    header: HeadersInit | undefined,
    input: MessageInitShape<I>,
  ): Promise<UnaryResponse<I, O>> {
    const message = isMessage(input, method.input) ? input : create(method.input, input);
    const requestHeaders: Record<string, string> = { ...headers() };
    if (header !== undefined) new Headers(header).forEach((value, key) => (requestHeaders[key] = value));
    // Connect's convention: no deadline for a zero or negative timeout.
    const deadline = timeoutMs !== undefined && timeoutMs > 0 ? timeoutMs : undefined;
    if (deadline !== undefined) requestHeaders["grpc-timeout"] = grpcTimeout(deadline);
    const res = await exchange({ path: pathOf(method), headers: requestHeaders, body: frame(toBinary(method.input, message)), timeoutMs: deadline, signal });
    return {
      stream: false,
      service: method.parent,
      method,
      // Rarely read (only with onHeader/onTrailer), so built on demand.
      get header() {
        return toHeaders(res.headers);
      },
      get trailer() {
        return toHeaders(res.trailers);
      },
      message: readResponse(method, res),
    };
  }

  return {
    unary,
    stream(method) {
      return Promise.reject(
        new ConnectError(`${method.parent.typeName}.${method.name} is a streaming method, which this gRPC channel does not support`, Code.Unimplemented),
      );
    },
  };
}

/** The grpc-timeout header: at most eight digits, so long deadlines switch to seconds, then hours. */
export function grpcTimeout(ms: number): string {
  const whole = Math.ceil(ms);
  if (whole <= 99_999_999) return `${whole}m`;
  const seconds = Math.ceil(whole / 1000);
  return seconds <= 99_999_999 ? `${seconds}S` : `${Math.min(99_999_999, Math.ceil(seconds / 3600))}H`;
}

/** The gRPC length-prefixed message: flag byte 0 (not compressed), 4-byte big-endian length, bytes. */
function frame(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 5);
  // Byte by byte rather than through a DataView: reading `.buffer` makes Bun materialise an ArrayBuffer per call.
  const n = bytes.length;
  out[1] = n >>> 24;
  out[2] = (n >>> 16) & 0xff;
  out[3] = (n >>> 8) & 0xff;
  out[4] = n & 0xff;
  out.set(bytes, 5);
  return out;
}

function readResponse<O extends DescMessage>(method: DescMethodUnary<DescMessage, O>, res: GrpcExchangeResponse) {
  const trailersOnly = res.trailers["grpc-status"] === undefined;
  const statusSource = trailersOnly ? res.headers : res.trailers;
  const status = first(statusSource["grpc-status"]);
  if (status !== "0") {
    if (status !== undefined) throw statusError(statusSource, res.headers);
    if (res.status !== 200) {
      throw new ConnectError(`HTTP ${res.status} from the server instead of a gRPC response`, codeFromHttpStatus(res.status));
    }
    throw new ConnectError("protocol error: missing status", Code.Internal);
  }
  const contentType = first(res.headers["content-type"]) ?? "";
  if (res.status !== 200 || !contentType.startsWith("application/grpc")) {
    throw new ConnectError(`unexpected response: HTTP ${res.status}, content-type "${contentType}"`, Code.Unknown);
  }
  const body = res.body;
  if (body.length < 5) {
    throw new ConnectError(
      body.length === 0 ? "protocol error: missing output message for unary method" : "protocol error: truncated message",
      body.length === 0 && trailersOnly ? Code.Unimplemented : Code.Internal,
    );
  }
  if (body[0] !== 0) throw new ConnectError("protocol error: compressed message, but no compression was negotiated", Code.Internal);
  const length = (((body[1] as number) << 24) | ((body[2] as number) << 16) | ((body[3] as number) << 8) | (body[4] as number)) >>> 0;
  if (body.length !== length + 5) {
    throw new ConnectError(
      body.length < length + 5 ? "protocol error: truncated message" : "protocol error: received extra output message for unary method",
      body.length < length + 5 ? Code.Internal : Code.Unimplemented,
    );
  }
  return fromBinary(method.output, body.subarray(5));
}

/** The ConnectError of a non-zero grpc-status, with its message, details and metadata, as Connect's own transport builds it. */
function statusError(source: RawHeaders, headers: RawHeaders): ConnectError {
  const err = findTrailerError(toHeaders(source)) ?? new ConnectError("protocol error: invalid status", Code.Internal);
  if (source !== headers) toHeaders(headers).forEach((value, key) => err.metadata.append(key, value));
  return err;
}

function first(value: string | string[] | number | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value);
}

function toHeaders(raw: RawHeaders): Headers {
  const out = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) out.append(key, v);
    else out.set(key, String(value));
  }
  return out;
}

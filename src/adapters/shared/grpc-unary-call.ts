// Serves one unary gRPC call straight off a node:http2 stream: one request
// frame in, one answer frame and trailers out. It skips connect-node's generic
// machinery (async iterables, per-call Headers and signals) that dominated the
// dev server's CPU time per call; see docs/activities.md "Throughput".
import type * as http2 from "node:http2";
import { fromBinary, isMessage, create, toBinary, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseTimeout, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { createUnaryCallContext } from "./grpc-unary-context.ts";
import type { UnaryRoute } from "./grpc-route-table.ts";

/** Request content types this path decodes: binary protobuf only. */
const protoContentType = /^application\/grpc(?:\+proto)?(?:;.*)?$/i;
const frameHeaderLength = 5;

/** Handles `stream` as a call of `route`; never throws. */
export function serveUnaryCall(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, route: UnaryRoute): void {
  // An unhandled 'error' event would crash the process; 'close' always follows it.
  stream.on("error", () => {});
  const contentType = headers["content-type"] ?? "";
  if (!protoContentType.test(contentType)) {
    // The gRPC spec answers a content type it cannot serve with plain HTTP 415.
    respond(stream, { ":status": 415 }, true);
    stream.resume();
    return;
  }
  const encoding = headers["grpc-encoding"];
  if (encoding !== undefined && encoding !== "identity") {
    stream.resume();
    sendError(
      stream,
      undefined,
      new ConnectError(
        `request compression "${encoding}" is not supported by this server; send uncompressed requests (grpc-encoding: identity)`,
        Code.Unimplemented,
        { "grpc-accept-encoding": "identity" },
      ),
    );
    return;
  }
  const timeout = parseTimeout(single(headers["grpc-timeout"]) ?? null, Number.MAX_SAFE_INTEGER);
  if (timeout.error !== undefined) {
    stream.resume();
    sendError(stream, undefined, timeout.error);
    return;
  }
  const context = createUnaryCallContext({ route, headers, timeoutMs: timeout.timeoutMs });
  let settled = false;
  const finish = (answer: Uint8Array | undefined, error: ConnectError | undefined) => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    if (error !== undefined) sendError(stream, context.responseHeaderIfUsed(), error, context.responseTrailerIfUsed());
    else sendAnswer(stream, answer as Uint8Array, context.responseHeaderIfUsed(), context.responseTrailerIfUsed());
  };
  const timer =
    timeout.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const error = new ConnectError(
            `the call ran past the ${timeout.timeoutMs} ms deadline its client set (grpc-timeout)`,
            Code.DeadlineExceeded,
          );
          context.abort(error);
          finish(undefined, error);
        }, timeout.timeoutMs);
  // HandlerContext.signal also fires once the call is over, as in connect-es,
  // so work a handler started on the call's behalf stops either way.
  stream.once("close", () => {
    if (timer !== undefined) clearTimeout(timer);
    const reason = settled
      ? new ConnectError("the call has completed", Code.Canceled)
      : new ConnectError("the client cancelled the call (its stream closed before the answer)", Code.Canceled);
    settled = true;
    context.abort(reason);
  });
  const chunks: Uint8Array[] = [];
  stream.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  stream.once("end", () => {
    // The deadline may have passed while the request was still arriving.
    if (settled) return;
    let request;
    try {
      request = fromBinary(route.method.input, readSingleFrame(concat(chunks)));
    } catch (err) {
      finish(undefined, ConnectError.from(err, Code.Internal));
      return;
    }
    invoke(route, request, context).then(
      (answer) => {
        if (settled) return;
        try {
          finish(encodeAnswer(route.method.output, answer), undefined);
        } catch (err) {
          finish(undefined, ConnectError.from(err, Code.Internal));
        }
      },
      (err: unknown) => finish(undefined, ConnectError.from(err)),
    );
  });
}

async function invoke(route: UnaryRoute, request: unknown, context: Parameters<UnaryRoute["impl"]>[1]): Promise<unknown> {
  return route.impl(request as Parameters<UnaryRoute["impl"]>[0], context);
}

function readSingleFrame(body: Uint8Array): Uint8Array {
  if (body.length < frameHeaderLength) {
    throw new ConnectError(
      `protocol error: the request carried ${body.length} bytes, not one length-prefixed gRPC message`,
      Code.Internal,
    );
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const flags = view.getUint8(0);
  const length = view.getUint32(1);
  if ((flags & 1) !== 0) {
    // A compressed flag without a negotiated grpc-encoding is a protocol
    // violation (the spec's Internal), distinct from an unsupported encoding.
    throw new ConnectError("protocol error: compressed request message without a grpc-encoding header", Code.Internal);
  }
  if (frameHeaderLength + length !== body.length) {
    throw new ConnectError(
      `protocol error: a unary request must hold exactly one message; got a ${length}-byte frame in a ${body.length}-byte body`,
      Code.Unimplemented,
    );
  }
  return body.subarray(frameHeaderLength);
}

function encodeAnswer(schema: DescMessage, answer: unknown): Uint8Array {
  const message = isMessage(answer, schema) ? answer : create(schema, answer as MessageInitShape<DescMessage>);
  const bytes = toBinary(schema, message);
  const frame = new Uint8Array(frameHeaderLength + bytes.length);
  new DataView(frame.buffer).setUint32(1, bytes.length);
  frame.set(bytes, frameHeaderLength);
  return frame;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function sendAnswer(stream: http2.ServerHttp2Stream, frame: Uint8Array, header: Headers | undefined, trailer: Headers | undefined): void {
  const trailers = toHttp2Headers(trailer);
  trailers["grpc-status"] = "0";
  if (!respond(stream, responseHeaders(header), false, true)) return;
  stream.once("wantTrailers", () => {
    try {
      stream.sendTrailers(trailers);
    } catch {
      // The client reset the stream in between; nobody is left to tell.
    }
  });
  stream.end(frame);
}

/** Sends a trailers-only error answer: status, message and details in the headers. */
function sendError(stream: http2.ServerHttp2Stream, header: Headers | undefined, error: ConnectError, trailer?: Headers): void {
  const status = setTrailerStatus(new Headers(trailer), error);
  const out = responseHeaders(header);
  status.forEach((value, key) => {
    out[key] = value;
  });
  respond(stream, out, true);
}

function responseHeaders(header: Headers | undefined): http2.OutgoingHttpHeaders {
  const out = toHttp2Headers(header);
  out[":status"] = 200;
  out["content-type"] = "application/grpc+proto";
  return out;
}

function toHttp2Headers(source: Headers | undefined): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  source?.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

/** Writes the response headers unless the stream is already gone; returns whether it wrote them. */
function respond(stream: http2.ServerHttp2Stream, headers: http2.OutgoingHttpHeaders, endStream: boolean, waitForTrailers = false): boolean {
  if (stream.destroyed || stream.closed || stream.headersSent) return false;
  try {
    stream.respond(headers, { endStream, waitForTrailers });
    return true;
  } catch {
    return false;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

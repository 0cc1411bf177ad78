// The HandlerContext of a lean unary call. Everything a handler may not read
// (the signal, the Headers objects, context values) is built on first access:
// most dev-server methods read none of it, and those allocations were a
// measurable share of its CPU time per call.
import type * as http2 from "node:http2";
import { type ContextValues, createContextValues, type HandlerContext } from "@connectrpc/connect";
import type { UnaryRoute } from "./grpc-route-table.ts";

export interface UnaryCallContextOptions {
  route: UnaryRoute;
  headers: http2.IncomingHttpHeaders;
  /** From grpc-timeout, if the client set one. */
  timeoutMs: number | undefined;
}

export interface UnaryCallContext extends HandlerContext {
  /** Aborts `signal` (now or, if nobody asked for it yet, on first access). */
  abort(reason: unknown): void;
  responseHeaderIfUsed(): Headers | undefined;
  responseTrailerIfUsed(): Headers | undefined;
}

class LazyUnaryCallContext implements UnaryCallContext {
  readonly method: UnaryRoute["method"];
  readonly service: UnaryRoute["service"];
  readonly requestMethod = "POST";
  readonly protocolName = "grpc";
  readonly #headers: http2.IncomingHttpHeaders;
  readonly #deadline: number | undefined;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;
  #requestHeader: Headers | undefined;
  #responseHeader: Headers | undefined;
  #responseTrailer: Headers | undefined;
  #values: ContextValues | undefined;

  constructor(options: UnaryCallContextOptions) {
    this.method = options.route.method;
    this.service = options.route.service;
    this.#headers = options.headers;
    this.#deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  timeoutMs = (): number | undefined => (this.#deadline === undefined ? undefined : this.#deadline - Date.now());

  get requestHeader(): Headers {
    if (this.#requestHeader === undefined) {
      const header = new Headers();
      for (const [key, value] of Object.entries(this.#headers)) {
        // Pseudo-headers (:path, :authority...) are HTTP/2 framing, not metadata.
        if (key.startsWith(":") || value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) header.append(key, item);
        else header.set(key, value);
      }
      this.#requestHeader = header;
    }
    return this.#requestHeader;
  }

  get responseHeader(): Headers {
    this.#responseHeader ??= new Headers();
    return this.#responseHeader;
  }

  get responseTrailer(): Headers {
    this.#responseTrailer ??= new Headers();
    return this.#responseTrailer;
  }

  get values(): ContextValues {
    this.#values ??= createContextValues();
    return this.#values;
  }

  get url(): string {
    return `http://${this.#headers[":authority"] ?? "localhost"}${this.#headers[":path"] ?? ""}`;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  responseHeaderIfUsed(): Headers | undefined {
    return this.#responseHeader;
  }

  responseTrailerIfUsed(): Headers | undefined {
    return this.#responseTrailer;
  }
}

export function createUnaryCallContext(options: UnaryCallContextOptions): UnaryCallContext {
  return new LazyUnaryCallContext(options);
}

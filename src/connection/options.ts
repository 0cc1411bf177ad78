import * as v from "valibot";
import type { BackoffOptions } from "../common/backoff.ts";
import { formatIssues } from "../common/validation.ts";
import type { TlsConfig } from "../platform/platform.ts";

/** How to reach and authenticate with a Temporal frontend. */
export interface ConnectionOptions {
  /** host:port of the frontend. Default `localhost:7233`. */
  address?: string;
  /** Namespace sent in the `temporal-namespace` header. Default `default`. */
  namespace?: string;
  /**
   * `true` for TLS with the system roots, an object for a custom CA, a server
   * name override or mTLS, `false` to force plaintext. Default: off, or on
   * when `apiKey` is set.
   */
  tls?: boolean | TlsConfig;
  /** Sent as `authorization: Bearer <apiKey>`; turns TLS on unless `tls: false`. */
  apiKey?: string;
  /** Extra gRPC metadata sent with every call. */
  metadata?: Record<string, string>;
  /** Deadline of an ordinary call in milliseconds (long polls have their own). Default 10 000. */
  callTimeoutMs?: number;
  /** Deadline of a long poll in milliseconds. Default 70 000 (servers answer empty after about 60 s). */
  longPollTimeoutMs?: number;
  /** Retry policy for retryable status codes, or `false` to disable. */
  retry?: Partial<RetryOptions> | false;
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Give up once this much time has passed since the first attempt. */
  maxElapsedMs: number;
}

export const defaultRetry: RetryOptions = {
  initialMs: 100,
  multiplier: 1.7,
  maxMs: 5_000,
  jitter: 0.2,
  maxAttempts: 10,
  maxElapsedMs: 10_000,
};

export interface ResolvedConnectionOptions {
  address: string;
  namespace: string;
  tls: TlsConfig | undefined;
  apiKey: string | undefined;
  metadata: Record<string, string>;
  callTimeoutMs: number;
  longPollTimeoutMs: number;
  retry: RetryOptions | undefined;
}

const pem = v.pipe(v.string(), v.includes("-----BEGIN", "must be PEM text (starting with -----BEGIN), not a file path"));

const TlsSchema = v.strictObject({
  serverRootCaCert: v.optional(pem),
  serverNameOverride: v.optional(v.pipe(v.string(), v.nonEmpty())),
  clientCert: v.optional(pem),
  clientPrivateKey: v.optional(pem),
});

const address = v.pipe(
  v.string(),
  v.regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d{1,5}$/, 'must be "host:port", for example "localhost:7233" (no scheme, no path)'),
);

const positiveMs = v.pipe(v.number(), v.integer(), v.minValue(1));

const ConnectionOptionsSchema = v.strictObject({
  address: v.optional(address),
  namespace: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty"))),
  tls: v.optional(v.union([v.boolean(), TlsSchema])),
  apiKey: v.optional(v.pipe(v.string(), v.nonEmpty("must not be empty; leave it unset for no API key"))),
  metadata: v.optional(v.record(v.string(), v.string())),
  callTimeoutMs: v.optional(positiveMs),
  longPollTimeoutMs: v.optional(positiveMs),
  retry: v.optional(
    v.union([
      v.literal(false),
      v.strictObject({
        initialMs: v.optional(positiveMs),
        multiplier: v.optional(v.pipe(v.number(), v.minValue(1))),
        maxMs: v.optional(positiveMs),
        jitter: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1))),
        maxAttempts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
        maxElapsedMs: v.optional(positiveMs),
      }),
    ]),
  ),
});

/** Validates options and fills in defaults; throws a TypeError naming each bad field. */
export function resolveConnectionOptions(options: ConnectionOptions = {}): ResolvedConnectionOptions {
  const parsed = v.safeParse(ConnectionOptionsSchema, options);
  if (!parsed.success) {
    throw new TypeError(`invalid connection options: ${formatIssues(parsed.issues)}`);
  }
  const o = parsed.output;
  const tlsOn = o.tls === undefined ? o.apiKey !== undefined : o.tls !== false;
  const tls: TlsConfig | undefined = tlsOn ? (typeof o.tls === "object" ? stripUndefined(o.tls) : {}) : undefined;
  return {
    address: o.address ?? "localhost:7233",
    namespace: o.namespace ?? "default",
    tls,
    apiKey: o.apiKey,
    metadata: { ...o.metadata },
    callTimeoutMs: o.callTimeoutMs ?? 10_000,
    longPollTimeoutMs: o.longPollTimeoutMs ?? 70_000,
    retry: o.retry === false ? undefined : { ...defaultRetry, ...stripUndefined(o.retry ?? {}) },
  };
}

function stripUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined)) as never;
}

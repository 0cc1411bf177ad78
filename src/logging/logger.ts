import type { Logger, LogLevel, LogMetadata } from "./types.ts";

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** Where lines go: one call per line, newline included. */
  write: (line: string) => void;
  /** Lowest level written. Default INFO. */
  level?: LogLevel;
  /** "json" for log pipelines (one object per line), "pretty" for a terminal. */
  format: LogFormat;
  /** Attributes on every line, e.g. `{ runtime: "bun" }`. */
  attributes?: LogMetadata;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export const logLevels: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

/**
 * Attribute names whose values are never written: payload contents, task
 * tokens and credentials. Workers pass identifiers (workflowId, runId,
 * activityId, taskQueue...), but a stray `input` or `taskToken` must not leak
 * into a log pipeline.
 */
const redactedKey = /token|secret|password|passphrase|api_?key|authorization|private_?key|credential|payload|^input$|^args$|^result$|^details$|^memo$|^headers?$/i;

const rank: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

export function createLogger(options: LoggerOptions): Logger & { withAttributes(meta: LogMetadata): Logger } {
  const min = rank[options.level ?? "INFO"];
  const now = options.now ?? (() => new Date());
  const base = options.attributes ?? {};
  const make = (attrs: LogMetadata): Logger & { withAttributes(meta: LogMetadata): Logger } => {
    const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
      if (rank[level] < min) return;
      const fields = sanitize({ ...attrs, ...meta });
      const time = now();
      options.write(options.format === "json" ? jsonLine(time, level, message, fields) : prettyLine(time, level, message, fields));
    };
    return {
      log,
      trace: (m, meta) => log("TRACE", m, meta),
      debug: (m, meta) => log("DEBUG", m, meta),
      info: (m, meta) => log("INFO", m, meta),
      warn: (m, meta) => log("WARN", m, meta),
      error: (m, meta) => log("ERROR", m, meta),
      withAttributes: (meta) => make({ ...attrs, ...meta }),
    };
  };
  return make(base);
}

/** Parses a level name case-insensitively; `undefined` when it is not one. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const upper = text.toUpperCase();
  return (logLevels as readonly string[]).includes(upper) ? (upper as LogLevel) : undefined;
}

function jsonLine(time: Date, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  return `${JSON.stringify({ time: time.toISOString(), level, message, ...fields })}\n`;
}

function prettyLine(time: Date, level: LogLevel, message: string, fields: Record<string, unknown>): string {
  const clock = time.toISOString().slice(11, 23);
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`)
    .join(" ");
  return `${clock} ${level.padEnd(5)} ${message}${rest ? `  ${rest}` : ""}\n`;
}

function sanitize(meta: LogMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) continue;
    out[key] = redactedKey.test(key) ? "[redacted]" : plain(value, 0);
  }
  return out;
}

/** Errors become name/message/stack; bytes become their length; nested secrets are redacted too. */
function plain(value: unknown, depth: number): unknown {
  if (value instanceof Error) {
    const e: Record<string, unknown> = { name: value.name, message: value.message };
    if (value.stack) e.stack = value.stack;
    if (value.cause !== undefined && depth < 3) e.cause = plain(value.cause, depth + 1);
    return e;
  }
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (depth >= 4) return "[nested]";
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactedKey.test(k) ? "[redacted]" : plain(v, depth + 1);
  return out;
}

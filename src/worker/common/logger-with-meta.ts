import type { Logger, LogLevel, LogMetadata } from "../../logging/types.ts";

/** A logger that adds `meta` (computed per line when a function) to every line, under the caller's own. */
export function withLogMeta(logger: Logger, meta: LogMetadata | (() => LogMetadata)): Logger {
  const attrs = typeof meta === "function" ? meta : () => meta;
  const log = (level: LogLevel, message: string, extra?: LogMetadata) => logger.log(level, message, { ...attrs(), ...extra });
  return {
    log,
    trace: (message, extra) => log("TRACE", message, extra),
    debug: (message, extra) => log("DEBUG", message, extra),
    info: (message, extra) => log("INFO", message, extra),
    warn: (message, extra) => log("WARN", message, extra),
    error: (message, extra) => log("ERROR", message, extra),
  };
}

/** An error's message for a log attribute, whatever was thrown. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
